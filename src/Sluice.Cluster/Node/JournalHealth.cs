using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Npgsql;

namespace Sluice.Cluster.Node;

/// <summary>
/// Probes the node's shared journal store every couple of seconds (<c>SELECT 1</c>), so a connector that stopped
/// because its events could not be written (or read) shows why: "journal store unreachable: ...". SQLite is local and
/// not probed.
/// </summary>
public sealed partial class JournalHealth(NodeOptions options, ILogger<JournalHealth> logger) : BackgroundService
{
    private volatile string? _error;

    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Null when the last probe succeeded; otherwise why it failed.</summary>
    public string? Error => _error;

    public bool Healthy => _error is null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var provider = ClusterPersistence.ProviderOf(options.Persistence);
        if (provider == JournalProvider.Sqlite) return;
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var error = await ProbeAsync(provider, stoppingToken);
            if (error != _error)
            {
                if (error is null) LogRecovered();
                else LogUnreachable(error);
            }
            _error = error;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<string?> ProbeAsync(JournalProvider provider, CancellationToken ct)
    {
        var builder = provider == JournalProvider.PostgreSql
            ? (DbConnectionStringBuilder)new NpgsqlConnectionStringBuilder(options.Persistence.ConnectionString!) { Timeout = 3, Pooling = false }
            : new MySqlConnectionStringBuilder(options.Persistence.ConnectionString!) { ConnectionTimeout = 3, Pooling = false };
        DbConnection connection = provider == JournalProvider.PostgreSql ? new NpgsqlConnection(builder.ConnectionString) : new MySqlConnection(builder.ConnectionString);
        await using (connection)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await connection.OpenAsync(timeout.Token);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(timeout.Token);
                return null;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return _error;
            }
            catch (Exception ex) when (ex is DbException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException or IOException)
            {
                return ex is OperationCanceledException ? "no answer in 5 s" : ex.GetBaseException().Message;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "journal store unreachable: {Error} (connectors that cannot persist stop and retry until it is back)")]
    private partial void LogUnreachable(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "journal store reachable again")]
    private partial void LogRecovered();
}
