namespace Sluice.Actors.Connector;

/// <summary>What a connector is doing, for the live display and <c>status</c> queries.</summary>
/// <param name="Phase">starting | snapshotting | streaming | restarting | stopping | stopped | completed | failed.</param>
/// <param name="Tables">Every replicated table, in copy order (smallest first).</param>
/// <param name="Position">The checkpoint: the stream position every table has committed.</param>
/// <param name="Lag">Source commit time of the last applied event to now (zero when caught up; null before streaming).</param>
/// <param name="RowChangesPerSecond">Row changes applied from the binlog per second, recently.</param>
/// <param name="LastError">The last error (a failed setup check, a stream restart's cause, ...), or null.</param>
/// <param name="Events">Notable events, oldest first: <c>forced_resync_table</c>, <c>position_lost</c>, ...</param>
public sealed record ConnectorStatus(
    string Phase,
    IReadOnlyList<TableStatus> Tables,
    string? Position,
    TimeSpan? Lag,
    double RowChangesPerSecond,
    string? LastError,
    IReadOnlyList<string> Events)
{
    public static ConnectorStatus Starting { get; } = new("starting", [], null, null, 0, null, []);

    /// <summary>The reader's bounds and high-water marks (in-flight batches, batch sizes): memory stays bounded.</summary>
    public StreamBuffers? Buffers { get; init; }

    /// <summary>Row changes applied from the binlog since this run started.</summary>
    public long RowChangesApplied { get; init; }
}

/// <summary>One table in <see cref="ConnectorStatus"/>.</summary>
/// <param name="State">pending | snapshotting | streaming | resyncing.</param>
/// <param name="RowsEstimated">The source's estimate (information_schema TABLE_ROWS), null when unknown.</param>
/// <param name="LastError">The last snapshot failure (it is retried with backoff), or null.</param>
public sealed record TableStatus(string Table, string State, long RowsCopied, long? RowsEstimated, string? LastError = null);

/// <summary>The binlog reader's buffers: configured bounds and the largest values seen.</summary>
public sealed record StreamBuffers(int MaxInFlightBatches, int MaxInFlightBatchesSeen, int MaxBatchRowChanges, int MaxBatchRowChangesSeen);

/// <summary>How a connector run ended.</summary>
/// <param name="Outcome">completed (a once run reached its target) | stopped (asked to stop) | failed.</param>
/// <param name="Error">Why it failed (one line per setup problem), or null.</param>
public sealed record ConnectorRunResult(string Outcome, string? Error, ConnectorStatus Status)
{
    public bool Succeeded => Outcome is "completed" or "stopped";

    /// <summary>Something the user must know about a run that did not fail (the resume position was purged and every table re-synced), or null.</summary>
    public string? Notice { get; init; }
}
