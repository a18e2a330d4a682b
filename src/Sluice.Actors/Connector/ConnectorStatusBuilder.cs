using Sluice.Replication.Discovery;

namespace Sluice.Actors.Connector;

/// <summary>What the actor knows of a table beyond the persisted state: rows copied by a running chunk, the last snapshot error.</summary>
public sealed record TableLiveProgress(long? LiveRowsCopied, string? LastError);

/// <summary>Everything a status is built from, as plain values.</summary>
/// <param name="Order">The tables in copy order (smallest first); empty before discovery, when the persisted tables are shown.</param>
/// <param name="StreamUp">The pipeline runs: lag is only known while it does.</param>
/// <param name="TransientEvents">Notable events of this run that are not persisted (snapshot failures, table errors).</param>
public sealed record StatusInputs(
    ConnectorPhase Phase,
    ConnectorState State,
    IReadOnlyList<TableId> Order,
    IReadOnlyDictionary<TableId, TableLiveProgress> Live,
    ReaderStats? Reader,
    bool StreamUp,
    double RowChangesPerSecond,
    string? LastError,
    IReadOnlyList<string> TransientEvents);

/// <summary>Builds the status a connector publishes: a pure function of its state, the reader's counters and table progress.</summary>
public static class ConnectorStatusBuilder
{
    public static ConnectorStatus Build(StatusInputs inputs, DateTimeOffset now)
    {
        var order = inputs.Order.Count > 0 ? inputs.Order : inputs.State.Tables.Values.Select(t => t.Table).ToList();
        var tables = new List<TableStatus>(order.Count);
        foreach (var id in order)
        {
            if (inputs.State.Table(id) is not { } progress) continue;
            var live = inputs.Live.GetValueOrDefault(id);
            tables.Add(new TableStatus(id.ToString(), Render(progress.Phase), live?.LiveRowsCopied ?? progress.RowsCopied,
                progress.RowsEstimated > 0 ? progress.RowsEstimated : null, live?.LastError));
        }
        var events = inputs.State.Events.Select(e => e.ToString()).Concat(inputs.TransientEvents).ToList();
        var stats = inputs.Reader;
        return new ConnectorStatus(inputs.Phase.Render(), tables, inputs.State.Checkpoint, Lag(stats, inputs.StreamUp, now),
            Math.Round(inputs.RowChangesPerSecond, 1), inputs.LastError, events)
        {
            Buffers = stats is null ? null : new StreamBuffers(stats.MaxInFlightBatches, stats.MaxInFlightBatchesSeen, stats.MaxBatchRowChanges, stats.MaxBatchRowChangesSeen),
            RowChangesApplied = stats?.RowChangesApplied ?? 0,
        };
    }

    /// <summary>
    /// Source commit time of the last event handed out to now: zero when caught up (or when the clocks disagree), null
    /// when the stream is down or has not read an event yet.
    /// </summary>
    public static TimeSpan? Lag(ReaderStats? stats, bool streamUp, DateTimeOffset now)
    {
        if (stats is null || !streamUp) return null;
        if (stats.CaughtUp) return TimeSpan.Zero;
        if (stats.LastEventTime is not { } time) return null;
        var lag = now - time;
        return lag < TimeSpan.Zero ? TimeSpan.Zero : lag;
    }

    /// <summary>The table state shown: pending | snapshotting | streaming | resyncing.</summary>
    public static string Render(TablePhase phase) => phase switch
    {
        TablePhase.Pending => "pending",
        TablePhase.Snapshotting => "snapshotting",
        TablePhase.Streaming => "streaming",
        _ => "resyncing",
    };
}
