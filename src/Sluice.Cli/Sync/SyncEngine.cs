using Microsoft.Extensions.Logging;
using Sluice.Replication.Discovery;

namespace Sluice.Cli.Sync;

/// <summary>What <c>sluice sync</c> asks the engine to run: one connector.</summary>
public sealed record SyncRequest(
    string ConnectorId,
    string SourceConnectionString,
    string DestinationPath,
    string StateDirectory,
    DiscoveryFilter Filter,
    IReadOnlyList<string> HashedColumns,
    int ChunkSize,
    int ParallelSnapshots,
    bool Once);

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
