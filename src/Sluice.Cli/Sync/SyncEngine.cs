using Microsoft.Extensions.Logging;
using Sluice.Replication.Connectors;
using Sluice.Replication.Discovery;

namespace Sluice.Cli.Sync;

/// <summary>
/// What <c>sluice sync</c> asks the engine to run: one connector's <paramref name="Definition"/> (the config file's
/// settings with the command line's source and destination), its state folder, the blocking filter resolved against the
/// source (includeColumns included) and whether the run ends once caught up.
/// </summary>
public sealed record SyncRequest(ConnectorDefinition Definition, string StateDirectory, DiscoveryFilter Filter, bool Once)
{
    /// <summary>The configuration the connector runs with (its state is <c>connector-&lt;id&gt;</c>).</summary>
    public ConnectorConfig ToConfig() => Definition.ToConfig(Definition.Id, Filter);
}

/// <summary>One table in the live status.</summary>
public sealed record SyncTableView(string Table, string State, long RowsCopied, long? RowsEstimated, string? LastError = null);

/// <summary>The connector's status as the display and the status log lines show it.</summary>
public sealed record SyncStatusView(
    string Phase,
    IReadOnlyList<SyncTableView> Tables,
    string? Position,
    TimeSpan? Lag,
    double RowChangesPerSecond,
    string? LastError,
    IReadOnlyList<string> Events)
{
    public static SyncStatusView Starting { get; } = new("starting", [], null, null, 0, null, []);
}

/// <summary>How a run ended: completed (<c>--once</c>) or stopped on request, or failed with one line.</summary>
/// <param name="Ending">completed | stopped | failed.</param>
public sealed record SyncOutcome(bool Succeeded, string? Error, string Ending = "completed");

/// <summary>The engine behind <c>sluice sync</c>: the single-node actor system (<see cref="SingleNodeSyncEngine"/>).</summary>
public interface ISyncEngine : IAsyncDisposable
{
    SyncStatusView Status { get; }

    /// <summary>Runs until done (<c>--once</c>), cancelled (stops cleanly, succeeded) or failed.</summary>
    Task<SyncOutcome> RunAsync(CancellationToken cancellationToken);
}

/// <summary>Creates the engine; tests may swap it.</summary>
public delegate Task<ISyncEngine> SyncEngineFactory(SyncRequest request, ILoggerFactory loggerFactory, CancellationToken cancellationToken);
