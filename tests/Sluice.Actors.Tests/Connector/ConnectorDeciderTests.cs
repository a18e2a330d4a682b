using System.Collections.Immutable;
using Sluice.Actors.Connector;
using Sluice.Actors.Contracts;
using Sluice.Binlog.Retry;
using Sluice.Replication.Discovery;
using Sluice.Replication.Errors;
using static Sluice.Actors.Connector.ConnectorEffect;

namespace Sluice.Actors.Tests.Connector;

/// <summary>Every transition of the connector's decider: no server, no actor system.</summary>
public sealed class ConnectorDeciderTests
{
    private static readonly TableId A = new("s", "a");
    private static readonly TableId B = new("s", "b");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly RetryPolicy Retry = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), Jitter: 0);

    private static readonly ConnectorState TwoTables = new IConnectorEvent[]
    {
        new ConnectorInitialized("fp", "c2FsdA=="),
        new StreamStartRecorded("f.000001:4"),
        new TableAdded(A, [], 10),
        new TableAdded(B, [], 10),
    }.Aggregate(ConnectorState.Empty, (s, e) => s.Apply(e));

    private static readonly ConnectorState AllCopied = TwoTables
        .Apply(new TableSnapshotCompleted(A, 10)).Apply(new TableSnapshotCompleted(B, 10));

    private static ConnectorContext Streaming(bool once = false) => new(once, Now, Retry, Tracked: [A, B], Target: "f.000001:500",
        CheckpointInterval: TimeSpan.FromSeconds(1));

    private static ConnectorDecision Decide(ConnectorState state, ConnectorInput input, ConnectorContext context) =>
        ConnectorDecider.Decide(state, input, context);

    [Fact]
    public void A_transient_start_failure_of_a_streaming_run_restarts_with_the_retry_policy()
    {
        var d = Decide(TwoTables, new ConnectorInput.StartFailed(new TimeoutException("connect timed out")), Streaming() with { PipelineFailures = 2 });
        Assert.Empty(d.Events);
        Assert.Equal<ConnectorEffect>([new TearDown(), new SetLastError("start: connect timed out"), new EnterPhase(ConnectorPhase.Restarting),
            new ScheduleRestart(TimeSpan.FromSeconds(4))], d.Effects);
    }

    [Fact]
    public void Any_start_failure_ends_a_once_run_as_failed_with_its_message()
    {
        var d = Decide(TwoTables, new ConnectorInput.StartFailed(new InvalidOperationException("Access denied for user 'x'")), Streaming(once: true));
        Assert.Equal<ConnectorEffect>([new Complete(ConnectorOutcome.Failed, "Access denied for user 'x'")], d.Effects);
    }

    [Fact]
    public void A_pipeline_failure_that_needs_the_user_ends_a_once_run_with_the_one_line_message()
    {
        var error = new InvalidOperationException("wrapper", new ReplicationActionRequiredException("destination table s.a has another definition: drop it"));
        var d = Decide(TwoTables, new ConnectorInput.PipelineFailed("merge s.a", error), Streaming(once: true));
        Assert.Equal<ConnectorEffect>([new Complete(ConnectorOutcome.Failed, "destination table s.a has another definition: drop it")], d.Effects);
    }

    [Fact]
    public void A_pipeline_failure_that_needs_the_user_backs_off_in_a_streaming_run_and_shows_the_message()
    {
        var error = new ReplicationActionRequiredException("the destination disk is full: free space");
        var d = Decide(TwoTables, new ConnectorInput.PipelineFailed("merge s.a", error), Streaming() with { PipelineFailures = 10 });
        Assert.Equal<ConnectorEffect>([new TearDown(), new SetLastError("merge s.a: the destination disk is full: free space"),
            new EnterPhase(ConnectorPhase.Restarting), new ScheduleRestart(TimeSpan.FromSeconds(8))], d.Effects);
    }

    [Fact]
    public void A_transient_pipeline_failure_of_a_once_run_restarts()
    {
        var d = Decide(TwoTables, new ConnectorInput.PipelineFailed("binlog reader", new IOException("connection reset")), Streaming(once: true));
        Assert.Equal(new ScheduleRestart(TimeSpan.FromSeconds(1)), d.Effects[^1]);
    }

    [Fact]
    public void A_pipeline_failure_while_the_pipeline_is_down_is_ignored()
    {
        var d = Decide(TwoTables, new ConnectorInput.PipelineFailed("binlog reader", new IOException("x")), Streaming() with { PipelineUp = false });
        Assert.Equal(ConnectorDecision.None, d);
    }

    [Fact]
    public void A_transient_snapshot_failure_retries_the_table_with_backoff()
    {
        var d = Decide(TwoTables, new ConnectorInput.SnapshotFailed(A, "lost connection", FailureKind.Transient, 3), Streaming(once: true));
        Assert.Equal<ConnectorEffect>([new Notable("snapshot_failed", "s.a", "lost connection", InStatus: true),
            new ScheduleSnapshotRetry(A, TimeSpan.FromSeconds(4)), new StartSnapshots()], d.Effects);
    }

    [Fact]
    public void A_snapshot_failure_that_needs_the_user_ends_a_once_run_and_retries_a_streaming_one()
    {
        var once = Decide(TwoTables, new ConnectorInput.SnapshotFailed(A, "disk full", FailureKind.NeedsAction, 1), Streaming(once: true));
        Assert.Equal<ConnectorEffect>([new Complete(ConnectorOutcome.Failed, "table s.a: disk full")], once.Effects);
        var streaming = Decide(TwoTables, new ConnectorInput.SnapshotFailed(A, "disk full", FailureKind.NeedsAction, 1), Streaming());
        Assert.Contains(new ScheduleSnapshotRetry(A, TimeSpan.FromSeconds(1)), streaming.Effects);
    }

    [Fact]
    public void A_chunk_persists_its_progress()
    {
        var d = Decide(TwoTables, new ConnectorInput.ChunkDone(A, "k:5", 5, Done: false), Streaming());
        Assert.Equal<IConnectorEvent>([new ChunkCommitted(A, "k:5", 5)], d.Events);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void The_last_chunk_completes_the_table_and_starts_the_next_snapshot()
    {
        var d = Decide(TwoTables, new ConnectorInput.ChunkDone(A, null, 10, Done: true), Streaming() with { SnapshotsBusy = true });
        Assert.Equal<IConnectorEvent>([new TableSnapshotCompleted(A, 10)], d.Events);
        Assert.Equal<ConnectorEffect>([new StartSnapshots()], d.Effects);
    }

    [Fact]
    public void The_last_table_copied_enters_streaming_and_completes_a_once_run_that_reached_its_target()
    {
        var state = TwoTables.Apply(new TableSnapshotCompleted(B, 10));
        var reached = Streaming(once: true) with { Reached = "f.000001:900" };
        var d = Decide(state, new ConnectorInput.ChunkDone(A, null, 10, Done: true), reached);
        Assert.Equal<ConnectorEffect>([new StartSnapshots(), new EnterPhase(ConnectorPhase.Streaming), new Complete(ConnectorOutcome.Completed, null)], d.Effects);

        var behind = Decide(state, new ConnectorInput.ChunkDone(A, null, 10, Done: true), reached with { Reached = "f.000001:400" });
        Assert.DoesNotContain(behind.Effects, e => e is Complete);
    }

    [Fact]
    public void A_chunk_done_while_stopping_changes_nothing_and_is_read_again_on_resume()
    {
        var state = TwoTables.Apply(new TableSnapshotCompleted(B, 10));
        var stopping = Streaming(once: true) with { Reached = "f.000001:900", Stopping = true };
        Assert.Equal(ConnectorDecision.None, Decide(state, new ConnectorInput.ChunkDone(A, null, 10, Done: true), stopping));
        Assert.Equal(ConnectorDecision.None, Decide(state, new ConnectorInput.ChunkDone(A, "k:5", 5, Done: false), stopping));
    }

    [Fact]
    public void A_chunk_of_an_unknown_table_is_ignored()
    {
        Assert.Equal(ConnectorDecision.None, Decide(TwoTables, new ConnectorInput.ChunkDone(new TableId("s", "gone"), null, 1, true), Streaming()));
    }

    [Fact]
    public void A_created_table_that_is_selected_is_prepared_as_new_and_logged_as_benign()
    {
        var c = new TableId("s", "c");
        var d = Decide(TwoTables, new ConnectorInput.TableCreated(c, Selected: true), Streaming());
        Assert.Equal<ConnectorEffect>([new Notable("table_created", "s.c", "new table picked up", InStatus: true), new PrepareTable(c, IsNew: true)], d.Effects);
        Assert.True(ConnectorLog.IsBenign("table_created"));
    }

    [Fact]
    public void A_created_table_that_is_not_selected_known_or_in_a_system_schema_is_ignored()
    {
        Assert.Equal(ConnectorDecision.None, Decide(TwoTables, new ConnectorInput.TableCreated(new TableId("s", "c"), Selected: false), Streaming()));
        Assert.Equal(ConnectorDecision.None, Decide(TwoTables, new ConnectorInput.TableCreated(A, Selected: true), Streaming()));
        Assert.Equal(ConnectorDecision.None, Decide(TwoTables, new ConnectorInput.TableCreated(new TableId("mysql", "c"), Selected: true), Streaming()));
        Assert.Equal(ConnectorDecision.None, Decide(TwoTables, new ConnectorInput.TableCreated(new TableId("s", "c"), true), Streaming() with { PipelineUp = false }));
    }

    [Fact]
    public void A_dropped_table_is_removed_and_detached()
    {
        var d = Decide(TwoTables, new ConnectorInput.TableDropped(A, "DROP TABLE"), Streaming());
        Assert.Equal<IConnectorEvent>([new TableRemoved(A, "DROP TABLE", Now)], d.Events);
        Assert.Equal<ConnectorEffect>([new Notable("table_removed", "s.a", "DROP TABLE"), new DetachTable(A)], d.Effects);
        Assert.Equal(ConnectorDecision.None, Decide(TwoTables, new ConnectorInput.TableDropped(new TableId("s", "x"), "DROP TABLE"), Streaming()));
    }

    [Fact]
    public void A_resync_request_persists_the_reason_detaches_and_prepares_the_table_again()
    {
        var d = Decide(AllCopied, new ConnectorInput.ResyncRequested(A, "ALTER TABLE ... DROP PRIMARY KEY"), Streaming());
        Assert.Equal<IConnectorEvent>([new TableResyncRequested(A, "ALTER TABLE ... DROP PRIMARY KEY", Now)], d.Events);
        Assert.Equal<ConnectorEffect>([new Notable("forced_resync_table", "s.a", "ALTER TABLE ... DROP PRIMARY KEY"), new DetachTable(A),
            new PrepareTable(A, IsNew: false)], d.Effects);
        Assert.Equal(ConnectorDecision.None, Decide(AllCopied, new ConnectorInput.ResyncRequested(A, "x"), Streaming() with { Tracked = [] }));
    }

    [Fact]
    public void A_schema_change_the_stream_applies_needs_nothing_yet()
    {
        Assert.Equal(ConnectorDecision.None, Decide(AllCopied, new ConnectorInput.SchemaChanged(A, "f.000001:77"), Streaming()));
    }

    [Fact]
    public void A_lost_position_persists_the_new_start_restarts_at_once_and_says_why()
    {
        var d = Decide(AllCopied, new ConnectorInput.PositionLost("f.000001:100", "f.000009:4", "the binlog at f.000001 was purged"), Streaming());
        Assert.Equal<IConnectorEvent>([new PositionLost("f.000001:100", "f.000009:4", "the binlog at f.000001 was purged", Now)], d.Events);
        Assert.Equal<ConnectorEffect>([new TearDown(), new Notable("position_lost", null, "the binlog at f.000001 was purged"),
            new SetLastError("the binlog at f.000001 was purged; every table was re-synced from the source's current position"),
            new ScheduleRestart(TimeSpan.Zero)], d.Effects);
        var after = d.Events.Aggregate(AllCopied, (s, e) => s.Apply(e));
        Assert.All(after.Tables.Values, t => Assert.Equal(TablePhase.NeedsResync, t.Phase));
    }

    [Fact]
    public void A_checkpoint_is_persisted_when_it_advances_and_the_interval_passed()
    {
        var context = Streaming() with { LastCheckpointPersist = Now - TimeSpan.FromSeconds(2) };
        Assert.Equal<ConnectorEffect>([new PersistCheckpoint("f.000001:200")],
            Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:200"), context).Effects);
        Assert.Empty(Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:200"), context with { LastCheckpointPersist = Now }).Effects);
        Assert.Empty(Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:3"), context).Effects);
        Assert.Equal(ConnectorDecision.None, Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:200"), context with { Reached = "f.000001:300" }));
    }

    [Fact]
    public void A_once_run_completes_when_every_table_is_copied_and_the_target_is_reached()
    {
        var context = Streaming(once: true) with { LastCheckpointPersist = Now };
        Assert.Equal<ConnectorEffect>([new Complete(ConnectorOutcome.Completed, null)],
            Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:500"), context).Effects);
    }

    [Fact]
    public void A_once_run_does_not_complete_before_its_target_or_with_tables_left_to_copy()
    {
        var context = Streaming(once: true) with { LastCheckpointPersist = Now };
        Assert.Empty(Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:499"), context).Effects);
        Assert.Empty(Decide(TwoTables, new ConnectorInput.CheckpointReached("f.000001:900"), context).Effects);
        Assert.Empty(Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:900"), context with { SnapshotsBusy = true }).Effects);
        Assert.Empty(Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:900"), context with { Target = null }).Effects);
        Assert.Empty(Decide(AllCopied, new ConnectorInput.CheckpointReached("f.000001:900"), Streaming() with { LastCheckpointPersist = Now }).Effects);
        var resync = AllCopied.Apply(new TableResyncRequested(A, "x", Now));
        Assert.Empty(Decide(resync, new ConnectorInput.CheckpointReached("f.000001:900"), context).Effects);
    }

    [Fact]
    public void A_once_target_is_compared_as_a_position_not_as_text()
    {
        var context = Streaming(once: true) with { Target = "f.000009:4", Reached = "f.000010:4" };
        Assert.True(ConnectorDecider.IsOnceDone(AllCopied, context));
        Assert.False(ConnectorDecider.IsOnceDone(AllCopied, context with { Reached = "f.000009:3" }));
    }

    [Fact]
    public void Stop_completes_as_stopped_once_and_everything_else_is_ignored_while_stopping()
    {
        Assert.Equal<ConnectorEffect>([new Complete(ConnectorOutcome.Stopped, null)], Decide(AllCopied, new ConnectorInput.Stop(), Streaming()).Effects);
        var stopping = Streaming() with { Stopping = true };
        Assert.Equal(ConnectorDecision.None, Decide(AllCopied, new ConnectorInput.Stop(), stopping));
        Assert.Equal(ConnectorDecision.None, Decide(AllCopied, new ConnectorInput.TableDropped(A, "x"), stopping));
        Assert.Equal(ConnectorDecision.None, Decide(AllCopied, new ConnectorInput.PipelineFailed("x", new IOException()), stopping));
    }

    [Fact]
    public void Phases_and_outcomes_render_the_names_the_cli_shows()
    {
        Assert.Equal(["starting", "snapshotting", "streaming", "restarting", "stopping", "completed", "failed", "stopped"],
            Enum.GetValues<ConnectorPhase>().Select(p => p.Render()));
        Assert.Equal(["completed", "stopped", "failed"], Enum.GetValues<ConnectorOutcome>().Select(o => o.Render()));
        Assert.Equal(ConnectorPhase.Failed, ConnectorOutcome.Failed.Phase());
    }
}
