using Sluice.Actors.Connector;
using Sluice.Actors.Contracts;
using Sluice.Replication.Discovery;

namespace Sluice.Actors.Tests.Connector;

/// <summary>The published status, built from state, reader counters and table progress: no actor system.</summary>
public sealed class ConnectorStatusBuilderTests
{
    private static readonly TableId A = new("s", "a");
    private static readonly TableId B = new("s", "b");
    private static readonly TableId C = new("s", "c");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:10Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly ConnectorState State = new IConnectorEvent[]
    {
        new ConnectorInitialized("fp", "c2FsdA=="),
        new StreamStartRecorded("f.000001:4"),
        new TableAdded(A, [], 10),
        new TableAdded(B, [], 0),
        new TableAdded(C, [], 7),
        new ChunkCommitted(A, "k1:L5", 5),
        new TableSnapshotCompleted(B, 3),
        new TableResyncRequested(C, "ALTER TABLE", Now),
        new CheckpointAdvanced("f.000001:100"),
    }.Aggregate(ConnectorState.Empty, (s, e) => s.Apply(e));

    private static ReaderStats Reader(bool caughtUp, DateTimeOffset? last) =>
        new("f.000001:120", last, caughtUp, RowChangesApplied: 42, InFlightBatches: 1, MaxInFlightBatchesSeen: 3, MaxBatchRowChangesSeen: 17,
            MaxInFlightBatches: 8, MaxBatchRowChanges: 1000);

    private static StatusInputs Inputs(ReaderStats? reader = null, bool up = true, IReadOnlyList<TableId>? order = null,
        IReadOnlyDictionary<TableId, TableLiveProgress>? live = null) =>
        new(ConnectorPhase.Snapshotting, State, order ?? [C, B, A], live ?? new Dictionary<TableId, TableLiveProgress>(), reader, up, 12.345, "boom", ["snapshot_failed s.c: x"]);

    [Fact]
    public void Tables_follow_the_copy_order_with_their_state_rows_and_estimate()
    {
        var live = new Dictionary<TableId, TableLiveProgress> { [A] = new(8, null), [C] = new(null, "timeout") };
        var status = ConnectorStatusBuilder.Build(Inputs(live: live), Now);

        Assert.Equal("snapshotting", status.Phase);
        Assert.Equal("f.000001:100", status.Position);
        Assert.Equal(3, status.Tables.Count);
        Assert.Equal(new TableStatus("s.c", "resyncing", 0, 7, "timeout"), status.Tables[0]);
        Assert.Equal(new TableStatus("s.b", "streaming", 3, null), status.Tables[1]);
        Assert.Equal(new TableStatus("s.a", "snapshotting", 8, 10), status.Tables[2]);
        Assert.Equal(12.3, status.RowChangesPerSecond);
        Assert.Equal("boom", status.LastError);
        Assert.Equal(2, status.Events.Count);
        Assert.EndsWith("forced_resync_table s.c: ALTER TABLE", status.Events[0]);
        Assert.Equal("snapshot_failed s.c: x", status.Events[1]);
    }

    [Fact]
    public void Before_discovery_the_persisted_tables_are_shown_and_unknown_ones_skipped()
    {
        var status = ConnectorStatusBuilder.Build(Inputs(order: []), Now);
        Assert.Equal(["s.a", "s.b", "s.c"], status.Tables.Select(t => t.Table).Order(StringComparer.Ordinal));
        status = ConnectorStatusBuilder.Build(Inputs(order: [new TableId("s", "gone"), A]), Now);
        Assert.Equal(["s.a"], status.Tables.Select(t => t.Table));
    }

    [Fact]
    public void Reader_counters_give_buffers_and_rows_applied()
    {
        var status = ConnectorStatusBuilder.Build(Inputs(Reader(false, Now.AddSeconds(-4))), Now);
        Assert.Equal(new StreamBuffers(8, 3, 1000, 17), status.Buffers);
        Assert.Equal(42, status.RowChangesApplied);
        Assert.Equal(TimeSpan.FromSeconds(4), status.Lag);

        status = ConnectorStatusBuilder.Build(Inputs(), Now);
        Assert.Null(status.Buffers);
        Assert.Equal(0, status.RowChangesApplied);
        Assert.Null(status.Lag);
    }

    [Fact]
    public void Lag_is_zero_when_caught_up_or_ahead_and_unknown_when_down_or_before_an_event()
    {
        Assert.Equal(TimeSpan.Zero, ConnectorStatusBuilder.Lag(Reader(true, Now.AddHours(-1)), true, Now));
        Assert.Equal(TimeSpan.Zero, ConnectorStatusBuilder.Lag(Reader(false, Now.AddSeconds(5)), true, Now));
        Assert.Equal(TimeSpan.FromSeconds(90), ConnectorStatusBuilder.Lag(Reader(false, Now.AddSeconds(-90)), true, Now));
        Assert.Null(ConnectorStatusBuilder.Lag(Reader(false, Now.AddSeconds(-90)), false, Now));
        Assert.Null(ConnectorStatusBuilder.Lag(Reader(false, null), true, Now));
        Assert.Null(ConnectorStatusBuilder.Lag(null, true, Now));
    }

    [Theory]
    [InlineData(TablePhase.Pending, "pending")]
    [InlineData(TablePhase.Snapshotting, "snapshotting")]
    [InlineData(TablePhase.Streaming, "streaming")]
    [InlineData(TablePhase.NeedsResync, "resyncing")]
    public void Table_phases_render_lower_case(TablePhase phase, string rendered) =>
        Assert.Equal(rendered, ConnectorStatusBuilder.Render(phase));
}
