using System.Collections.Immutable;
using Sluice.Actors.Contracts;
using Sluice.Binlog.Retry;
using Sluice.Replication.Discovery;
using Sluice.Replication.Errors;
using Sluice.Replication.Positions;

namespace Sluice.Actors.Connector;

/// <summary>Something the connector learned: a result of its I/O, a message from its pipeline, or a command.</summary>
public abstract record ConnectorInput
{
    /// <summary>Starting failed (discovery, setup checks, the destination).</summary>
    public sealed record StartFailed(Exception Error) : ConnectorInput;

    /// <summary>The binlog reader or a merge actor failed: the pipeline restarts from the checkpoint.</summary>
    public sealed record PipelineFailed(string Source, Exception Error) : ConnectorInput;

    /// <summary>A table's copy failed; <paramref name="Failures"/> counts the failures in a row, this one included.</summary>
    public sealed record SnapshotFailed(TableId Table, string Error, FailureKind Kind, int Failures) : ConnectorInput;

    /// <summary>A chunk was committed (<paramref name="Done"/>: it was the last one).</summary>
    public sealed record ChunkDone(TableId Table, string? LastKey, long RowsCopied, bool Done) : ConnectorInput;

    /// <summary>The reader saw a CREATE TABLE (<paramref name="Selected"/>: the filter selects it).</summary>
    public sealed record TableCreated(TableId Table, bool Selected) : ConnectorInput;

    /// <summary>The reader saw a DROP TABLE (or the table is no longer selected).</summary>
    public sealed record TableDropped(TableId Table, string Reason) : ConnectorInput;

    /// <summary>A table must be copied again (a DDL the stream cannot apply, or asked by the user).</summary>
    public sealed record ResyncRequested(TableId Table, string Reason) : ConnectorInput;

    /// <summary>
    /// A table's definition changed at <paramref name="Position"/> (a DDL the stream applies). The seam for the schema
    /// history persisted with the state; today it only records nothing and asks for nothing.
    /// </summary>
    public sealed record SchemaChanged(TableId Table, string Position) : ConnectorInput;

    /// <summary>The checkpoint's binlog was purged; the stream restarts at <paramref name="NewPosition"/>.</summary>
    public sealed record PositionLost(string? Lost, string NewPosition, string Reason) : ConnectorInput;

    /// <summary>Every table committed the stream up to <paramref name="Position"/>.</summary>
    public sealed record CheckpointReached(string Position) : ConnectorInput;

    /// <summary>Asked to stop.</summary>
    public sealed record Stop : ConnectorInput;
}

/// <summary>Something the actor does for a decision: plain data, run by the actor in order.</summary>
public abstract record ConnectorEffect
{
    /// <summary>Stop the reader, merges and snapshots.</summary>
    public sealed record TearDown : ConnectorEffect;

    /// <summary>Start the pipeline again (discovery, destination, reader) after <paramref name="Delay"/>.</summary>
    public sealed record ScheduleRestart(TimeSpan Delay) : ConnectorEffect;

    /// <summary>Queue the table's copy again after <paramref name="Delay"/>.</summary>
    public sealed record ScheduleSnapshotRetry(TableId Table, TimeSpan Delay) : ConnectorEffect;

    /// <summary>Start the next queued snapshots (up to the parallelism).</summary>
    public sealed record StartSnapshots : ConnectorEffect;

    /// <summary>Stop the table's merge and snapshot actors and its routing.</summary>
    public sealed record DetachTable(TableId Table) : ConnectorEffect;

    /// <summary>Read the table's definition and prepare its destination table, then copy it.</summary>
    public sealed record PrepareTable(TableId Table, bool IsNew) : ConnectorEffect;

    /// <summary>Persist the reached position as the checkpoint.</summary>
    public sealed record PersistCheckpoint(string Position) : ConnectorEffect;

    /// <summary>End the run (persist the checkpoint, close the destination, complete).</summary>
    public sealed record Complete(ConnectorOutcome Outcome, string? Error) : ConnectorEffect;

    /// <summary>
    /// A notable event for logs (kind as in <see cref="NotableEvent"/>); <paramref name="InStatus"/>: also listed in the
    /// status's events (those a persisted event does not record already).
    /// </summary>
    public sealed record Notable(string Kind, string? Table, string Detail, bool InStatus = false) : ConnectorEffect;

    /// <summary>Show <paramref name="Error"/> as the status's last error.</summary>
    public sealed record SetLastError(string Error) : ConnectorEffect;

    /// <summary>Change the run's phase.</summary>
    public sealed record EnterPhase(ConnectorPhase Phase) : ConnectorEffect;
}

/// <summary>What a decision persists (folded into the state with <see cref="ConnectorState.Apply"/>) and does.</summary>
public sealed record ConnectorDecision(ImmutableArray<IConnectorEvent> Events, ImmutableArray<ConnectorEffect> Effects)
{
    public static ConnectorDecision None { get; } = new([], []);

    public static ConnectorDecision Do(params ConnectorEffect[] effects) => new([], [.. effects]);

    public static ConnectorDecision Persist(IConnectorEvent e, params ConnectorEffect[] effects) => new([e], [.. effects]);
}

/// <summary>What a decision needs besides the persisted state: the run's mode and its live (not persisted) facts.</summary>
/// <param name="Once">A once run: copy, apply the binlog up to <paramref name="Target"/>, complete.</param>
/// <param name="Now">The clock.</param>
/// <param name="Retry">The one retry policy.</param>
/// <param name="RetryDraw">The random draw for the retry's jitter (0 to 1).</param>
/// <param name="PipelineFailures">Pipeline failures in a row, before this input.</param>
/// <param name="Stopping">The run is ending: inputs other than failures are ignored.</param>
/// <param name="PipelineUp">The reader and merges run.</param>
/// <param name="Tracked">Tables the pipeline knows (merged or being prepared).</param>
/// <param name="SnapshotsBusy">Snapshots queued, running, or tables being prepared.</param>
/// <param name="Reached">The highest position every table committed this run.</param>
/// <param name="Target">A once run's target: the source's position when it started.</param>
/// <param name="LastCheckpointPersist">When the checkpoint was last persisted.</param>
/// <param name="CheckpointInterval">How often the checkpoint is persisted at most.</param>
public sealed record ConnectorContext(
    bool Once,
    DateTimeOffset Now,
    RetryPolicy Retry,
    double RetryDraw = 0.5,
    int PipelineFailures = 0,
    bool Stopping = false,
    bool PipelineUp = true,
    ImmutableHashSet<TableId>? Tracked = null,
    bool SnapshotsBusy = false,
    string? Reached = null,
    string? Target = null,
    DateTimeOffset LastCheckpointPersist = default,
    TimeSpan CheckpointInterval = default)
{
    public bool Tracks(TableId table) => Tracked?.Contains(table) ?? false;
}

/// <summary>
/// The connector's decisions as pure functions of (state, input, context): which events to persist and which effects to
/// run. The actor persists, applies and runs the effects; it decides nothing itself.
/// </summary>
public static class ConnectorDecider
{
    public static ConnectorDecision Decide(ConnectorState state, ConnectorInput input, ConnectorContext context)
    {
        if (context.Stopping && input is not ConnectorInput.Stop) return ConnectorDecision.None;
        return input switch
        {
            ConnectorInput.StartFailed f => Failure("start", f.Error, context),
            ConnectorInput.PipelineFailed f => context.PipelineUp ? Failure(f.Source, f.Error, context) : ConnectorDecision.None,
            ConnectorInput.SnapshotFailed f => SnapshotFailure(f, context),
            ConnectorInput.ChunkDone c => ChunkDone(state, c, context),
            ConnectorInput.TableCreated c => TableCreated(c, context),
            ConnectorInput.TableDropped d => state.Table(d.Table) is null
                ? ConnectorDecision.None
                : ConnectorDecision.Persist(new TableRemoved(d.Table, d.Reason, context.Now),
                    new ConnectorEffect.Notable("table_removed", d.Table.ToString(), d.Reason),
                    new ConnectorEffect.DetachTable(d.Table)),
            ConnectorInput.ResyncRequested r => state.Table(r.Table) is null || !context.Tracks(r.Table)
                ? ConnectorDecision.None
                : ConnectorDecision.Persist(new TableResyncRequested(r.Table, r.Reason, context.Now),
                    new ConnectorEffect.Notable("forced_resync_table", r.Table.ToString(), r.Reason),
                    new ConnectorEffect.DetachTable(r.Table),
                    new ConnectorEffect.PrepareTable(r.Table, IsNew: false)),
            ConnectorInput.SchemaChanged => ConnectorDecision.None,
            ConnectorInput.PositionLost p => PositionLost(p, context),
            ConnectorInput.CheckpointReached c => CheckpointReached(state, c, context),
            ConnectorInput.Stop => context.Stopping ? ConnectorDecision.None : ConnectorDecision.Do(new ConnectorEffect.Complete(ConnectorOutcome.Stopped, null)),
            _ => throw new ArgumentException($"unknown connector input {input.GetType().Name}", nameof(input)),
        };
    }

    /// <summary>
    /// A start or pipeline failure: a once run ends as failed when it needs the user (or at any start failure, since a
    /// once run has nothing to resume); otherwise the pipeline is torn down and restarted with the retry policy.
    /// </summary>
    public static ConnectorDecision Failure(string source, Exception error, ConnectorContext context)
    {
        var message = error.GetBaseException().Message;
        var kind = ReplicationFailure.Classify(error);
        if (context.Once && (kind == FailureKind.NeedsAction || source == "start"))
        {
            return ConnectorDecision.Do(new ConnectorEffect.Complete(ConnectorOutcome.Failed, kind == FailureKind.NeedsAction
                ? ActionMessage(error)
                : message));
        }
        var delay = context.Retry.Delay(context.PipelineFailures + 1, context.RetryDraw);
        return ConnectorDecision.Do(
            new ConnectorEffect.TearDown(),
            new ConnectorEffect.SetLastError($"{source}: {(kind == FailureKind.NeedsAction ? ActionMessage(error) : message)}"),
            new ConnectorEffect.EnterPhase(ConnectorPhase.Restarting),
            new ConnectorEffect.ScheduleRestart(delay));
    }

    private static ConnectorDecision SnapshotFailure(ConnectorInput.SnapshotFailed f, ConnectorContext context)
    {
        if (context.Once && f.Kind == FailureKind.NeedsAction)
        {
            return ConnectorDecision.Do(new ConnectorEffect.Complete(ConnectorOutcome.Failed, $"table {f.Table}: {f.Error}"));
        }
        return ConnectorDecision.Do(
            new ConnectorEffect.Notable("snapshot_failed", f.Table.ToString(), f.Error, InStatus: true),
            new ConnectorEffect.ScheduleSnapshotRetry(f.Table, context.Retry.Delay(f.Failures, context.RetryDraw)),
            new ConnectorEffect.StartSnapshots());
    }

    private static ConnectorDecision ChunkDone(ConnectorState state, ConnectorInput.ChunkDone c, ConnectorContext context)
    {
        if (state.Table(c.Table) is null) return ConnectorDecision.None;
        if (!c.Done) return ConnectorDecision.Persist(new ChunkCommitted(c.Table, c.LastKey, c.RowsCopied));
        var after = state.Apply(new TableSnapshotCompleted(c.Table, c.RowsCopied));
        var effects = new List<ConnectorEffect> { new ConnectorEffect.StartSnapshots() };
        if (!context.SnapshotsBusy && after.Tables.Values.All(t => t.Phase == TablePhase.Streaming))
        {
            effects.Add(new ConnectorEffect.EnterPhase(ConnectorPhase.Streaming));
            if (IsOnceDone(after, context)) effects.Add(new ConnectorEffect.Complete(ConnectorOutcome.Completed, null));
        }
        return new ConnectorDecision([new TableSnapshotCompleted(c.Table, c.RowsCopied)], [.. effects]);
    }

    private static ConnectorDecision TableCreated(ConnectorInput.TableCreated c, ConnectorContext context)
    {
        if (!context.PipelineUp || !c.Selected || SchemaDiscovery.IsSystemSchema(c.Table.Schema) || context.Tracks(c.Table))
        {
            return ConnectorDecision.None;
        }
        return ConnectorDecision.Do(
            new ConnectorEffect.Notable("table_created", c.Table.ToString(), "new table picked up", InStatus: true),
            new ConnectorEffect.PrepareTable(c.Table, IsNew: true));
    }

    private static ConnectorDecision PositionLost(ConnectorInput.PositionLost p, ConnectorContext context) =>
        ConnectorDecision.Persist(new Contracts.PositionLost(p.Lost, p.NewPosition, p.Reason, context.Now),
            new ConnectorEffect.TearDown(),
            new ConnectorEffect.Notable("position_lost", null, p.Reason),
            new ConnectorEffect.SetLastError(PositionLostMessage(p.Reason)),
            new ConnectorEffect.ScheduleRestart(TimeSpan.Zero));

    /// <summary>The one line a run shows (status and closing result) when its resume position was purged.</summary>
    public static string PositionLostMessage(string reason) =>
        $"{reason}; every table was re-synced from the source's current position";

    private static ConnectorDecision CheckpointReached(ConnectorState state, ConnectorInput.CheckpointReached c, ConnectorContext context)
    {
        if (context.Reached is not null && BinlogPositionComparer.Instance.Compare(c.Position, context.Reached) <= 0)
        {
            return ConnectorDecision.None;
        }
        var effects = new List<ConnectorEffect>();
        if (ShouldPersistCheckpoint(state, c.Position, context)) effects.Add(new ConnectorEffect.PersistCheckpoint(c.Position));
        if (!context.SnapshotsBusy && IsOnceDone(state, context with { Reached = c.Position }))
        {
            effects.Add(new ConnectorEffect.Complete(ConnectorOutcome.Completed, null));
        }
        return new ConnectorDecision([], [.. effects]);
    }

    /// <summary>Whether <paramref name="reached"/> is persisted now: past the checkpoint, and the interval has passed.</summary>
    public static bool ShouldPersistCheckpoint(ConnectorState state, string reached, ConnectorContext context) =>
        (state.Checkpoint is null || BinlogPositionComparer.Instance.Compare(reached, state.Checkpoint) > 0)
        && context.Now - context.LastCheckpointPersist >= context.CheckpointInterval;

    /// <summary>
    /// The once rule: a once run completes only when every selected table is copied (none pending, copying or to
    /// re-sync, no snapshot busy) and the binlog was applied up to the target read at start.
    /// </summary>
    public static bool IsOnceDone(ConnectorState state, ConnectorContext context) =>
        context.Once && !context.Stopping && context.PipelineUp && !context.SnapshotsBusy
        && context.Target is not null && context.Reached is not null
        && state.Tables.Values.All(t => t.Phase == TablePhase.Streaming)
        && BinlogPositionComparer.Instance.Compare(context.Reached, context.Target) >= 0;

    private static string ActionMessage(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is ReplicationActionRequiredException) return e.Message;
        }
        return error.GetBaseException().Message;
    }
}
