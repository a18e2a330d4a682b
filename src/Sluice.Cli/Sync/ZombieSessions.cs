using Microsoft.Extensions.Logging;
using MySqlConnector;
using Sluice.Replication.Setup;

namespace Sluice.Cli.Sync;

/// <summary>
/// The start of <c>sluice sync</c>: kills the replication user's other sessions (an earlier run's leftovers) and says
/// how many, with their hosts, since a user shared with anything else would lose those sessions too.
/// <c>--no-kill-zombies</c> skips it.
/// </summary>
internal static partial class ZombieSessions
{
    /// <summary>Kills the other sessions of the user <paramref name="connection"/> logged in as, logs them, returns them.</summary>
    public static async Task<IReadOnlyList<KilledConnection>> KillAsync(MySqlConnection connection, string user, ILogger log,
        CancellationToken cancellationToken)
    {
        var killed = await ZombieCleanup.KillOtherConnectionsAsync(connection, cancellationToken: cancellationToken);
        if (killed.Count == 0) NoneKilled(log, user);
        else Killed(log, killed.Count, user, Describe(killed));
        return killed;
    }

    /// <summary>Each session as <c>host:port (command, N s)</c>, comma-separated.</summary>
    public static string Describe(IReadOnlyList<KilledConnection> killed) =>
        string.Join(", ", killed.Select(k => $"{(k.Host.Length == 0 ? "?" : k.Host)} ({k.Command}, {k.Seconds} s)"));

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information,
        Message = "killed {Count} other session(s) of user '{User}': {Sessions} (the replication user must be reserved for Sluice; --no-kill-zombies keeps them)")]
    private static partial void Killed(ILogger logger, int count, string user, string sessions);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "no other session of user '{User}' to kill")]
    private static partial void NoneKilled(ILogger logger, string user);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information,
        Message = "--no-kill-zombies: the other sessions of user '{User}' are left alone (a crashed run's leftovers may hold locks until they time out)")]
    public static partial void Skipped(ILogger logger, string user);
}
