using Akka.Actor;
using Sluice.Binlog.Events;
using Sluice.Replication.Discovery;

namespace Sluice.Actors;

// Messages between the actors of one connector (same node, never persisted): plain records, not ISluiceMessage.

// ---- reader -> merge actors ----

/// <summary>One batch's row events of one table, in binlog order; <paramref name="Position"/> follows the batch's last event.</summary>
/// <param name="AtBoundary">The batch ends at a transaction boundary (false: a large transaction spilled over several batches).</param>
public sealed record ApplyChanges(long Seq, IReadOnlyList<RowsEvent> Events, int RowCount, string Position, bool AtBoundary);

/// <summary>The merge actor committed <see cref="ApplyChanges"/> <paramref name="Seq"/> (or discarded it for good).</summary>
public sealed record ChangesApplied(long Seq);

/// <summary>The stream handed every change up to <paramref name="Position"/> (a boundary) to the merge actors.</summary>
public sealed record StreamProgress(string Position);

/// <summary>
/// The reader routes the table to this merge actor from now on; every change before <paramref name="Position"/> was
/// already handed out (to a former actor, or dropped): the merge actor may open chunk windows from now on.
/// </summary>
public sealed record Routed(string Position);

// ---- connector -> reader ----

public sealed record AddRoute(TableId Table, IActorRef MergeActor);

/// <summary>Stop routing the table (its merge actor is being stopped): its unacknowledged batches count as done.</summary>
public sealed record RemoveRoute(TableId Table);

// ---- reader -> connector ----

/// <summary>Every table committed the changes up to <paramref name="Position"/> (a transaction boundary).</summary>
public sealed record CheckpointReached(string Position);

/// <summary>A DDL (or an unclassifiable statement) touched a replicated table, or a merge actor cannot convert its rows.</summary>
public sealed record ResyncTable(TableId Table, string Reason);

/// <summary>A CREATE TABLE (or a rename) made a table appear.</summary>
public sealed record TableCreated(TableId Table);

/// <summary>A DROP TABLE (or a rename) made a replicated table disappear.</summary>
public sealed record TableDropped(TableId Table, string Reason);

/// <summary>The binlog at the checkpoint was purged.</summary>
public sealed record StreamPositionUnavailable(string Message);

/// <summary>The stream failed (after the client's own reconnects) or a merge actor failed: restart from the checkpoint.</summary>
public sealed record PipelineFailed(string Source, Exception Error);

/// <summary>The reader's counters (for status and the bounded-memory test).</summary>
/// <param name="LastEventTime">The source commit time of the last event handed out.</param>
/// <param name="CaughtUp">Nothing read ahead and nothing in flight: the stream is at the end of the binlog.</param>
public sealed record ReaderStats(
    string? Position,
    DateTimeOffset? LastEventTime,
    bool CaughtUp,
    long RowChangesApplied,
    int InFlightBatches,
    int MaxInFlightBatchesSeen,
    int MaxBatchRowChangesSeen,
    int MaxInFlightBatches,
    int MaxBatchRowChanges);

// ---- snapshot <-> merge ----

/// <summary>Start recording the keys the stream touches (before the chunk's SELECT). Any older window is abandoned.</summary>
public sealed record OpenWindow(long ChunkId);

public sealed record WindowOpened(long ChunkId);

/// <summary>A primary-key chunk read between the window's opening and <paramref name="HighWatermark"/>.</summary>
public sealed record ChunkRead(long ChunkId, IReadOnlyList<object?[]> Rows, string HighWatermark);

/// <summary>A batch of a table without primary key (one consistent pass, window open for the whole pass): written at once.</summary>
public sealed record PassBatchRead(long ChunkId, IReadOnlyList<object?[]> Rows);

/// <summary>Close the window (a no-PK pass ended, or the chunk was abandoned).</summary>
public sealed record CloseWindow(long ChunkId);

/// <summary>The chunk (or pass batch) is committed in the destination: <paramref name="Written"/> rows, <paramref name="Dropped"/> dropped.</summary>
public sealed record ChunkWritten(long ChunkId, int Written, int Dropped);

// ---- snapshot -> connector ----

/// <summary>A chunk is in the destination: persist the progress (the snapshot actor goes on without waiting).</summary>
public sealed record ChunkDone(TableId Table, string? LastKey, long RowsCopied, bool IsLast);

/// <summary>Rows copied so far (for status; tables without primary key persist nothing until the pass ends).</summary>
public sealed record SnapshotProgress(TableId Table, long RowsCopied);

public sealed record SnapshotFailed(TableId Table, string Error);
