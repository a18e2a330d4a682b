using System.Globalization;
using MySqlConnector;

namespace Sluice.Replication.Setup;

/// <summary>A connection <see cref="ZombieCleanup"/> killed.</summary>
/// <param name="Id">The connection (thread) id.</param>
/// <param name="Host">The client host:port PROCESSLIST showed.</param>
/// <param name="Command">The thread's command (e.g. <c>Sleep</c>, <c>Query</c>, <c>Binlog Dump</c>, <c>Binlog Dump GTID</c>).</param>
/// <param name="Seconds">How long it had been in that state.</param>
public sealed record KilledConnection(long Id, string Host, string Command, long Seconds);

/// <summary>
/// Zombie cleanup: at the start of each run, kill every other connection of the replication user (a
/// crashed earlier run's snapshot queries, binlog dump threads, idle sessions). Any user may kill its own
/// connections, so no extra privilege is needed.
/// <para>
/// This kills ALL of this user's other connections, live ones included: the user must be reserved for this connector
/// (one user per connector, nobody else logging in as it; docs/spec-coverage.md). Run it first, before this process
/// opens its own pooled connections, or pass their ids in <c>keep</c>.
/// </para>
/// </summary>
public static class ZombieCleanup
{
    /// <summary>
    /// Kills the current user's other connections (PROCESSLIST rows with the same USER as CURRENT_USER() and another
    /// ID than CONNECTION_ID(), except the ids in <paramref name="keep"/>). A connection that ends by itself meanwhile
    /// is skipped. Returns what was killed.
    /// </summary>
    public static async Task<IReadOnlyList<KilledConnection>> KillOtherConnectionsAsync(MySqlConnection connection,
        IReadOnlyCollection<long>? keep = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var candidates = new List<KilledConnection>();
        const string sql =
            "SELECT ID, COALESCE(HOST, ''), COALESCE(COMMAND, ''), COALESCE(TIME, 0) FROM information_schema.PROCESSLIST " +
            "WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AND ID <> CONNECTION_ID() ORDER BY ID";
        await using (var command = new MySqlCommand(sql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
                if (keep?.Contains(id) == true) continue;
                candidates.Add(new KilledConnection(id, reader.GetString(1), reader.GetString(2),
                    Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture)));
            }
        }

        var killed = new List<KilledConnection>(candidates.Count);
        foreach (var candidate in candidates)
        {
            try
            {
                await using var command = new MySqlCommand("KILL CONNECTION " + candidate.Id.ToString(CultureInfo.InvariantCulture), connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
                killed.Add(candidate);
            }
            catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.NoSuchThread)
            {
                // It ended between the query and the KILL.
            }
        }
        return killed;
    }
}
