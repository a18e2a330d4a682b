using Microsoft.Extensions.Logging;
using Sluice.Actors.Connector;
using Sluice.Host;

namespace Sluice.Cli.Sync;

/// <summary><see cref="ISyncEngine"/> over Sluice.Host's <see cref="SingleNodeHost"/> (one local actor system, one connector).</summary>
public sealed class SingleNodeSyncEngine : ISyncEngine
{
    private readonly SingleNodeHost _host;
    private readonly SyncRequest _request;

    private SingleNodeSyncEngine(SingleNodeHost host, SyncRequest request)
    {
        _host = host;
        _request = request;
    }

    public static async Task<ISyncEngine> StartAsync(SyncRequest request, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new SingleNodeOptions { Persistence = new PersistenceOptions { StateDirectory = request.StateDirectory } };
        var host = await SingleNodeHost.StartAsync(options, loggerFactory, cancellationToken);
        return new SingleNodeSyncEngine(host, request);
    }

    public SyncStatusView Status => View(_host.Status);

    public async Task<SyncOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var config = _request.ToConfig() with
        {
            // sluice sync kills (or, with --no-kill-zombies, keeps) the user's other sessions before the engine starts.
            KillZombieConnections = false,
        };
        var result = await _host.RunAsync(config, _request.Once, cancellationToken);
        return new SyncOutcome(result.Succeeded, result.Error, result.Outcome);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static SyncStatusView View(ConnectorStatus s) => new(
        s.Phase,
        s.Tables.Select(t => new SyncTableView(t.Table, t.State, t.RowsCopied, t.RowsEstimated, t.LastError)).ToList(),
        s.Position, s.Lag, s.RowChangesPerSecond, s.LastError, s.Events);
}
