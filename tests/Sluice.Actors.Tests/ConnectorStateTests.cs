using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Sluice.Actors.Connector;
using Sluice.Actors.Contracts;
using Sluice.Actors.Serialization;
using Sluice.Replication.Discovery;

namespace Sluice.Actors.Tests;

public sealed class ConnectorStateTests
{
    private static readonly TableId A = new("s", "a");
    private static readonly TableId B = new("s", "b.with.dots");

    [Fact]
    public void Events_fold_into_table_phases_checkpoints_and_notable_events()
    {
        var at = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var state = new IConnectorEvent[]
        {
            new ConnectorInitialized("fp", "c2FsdA=="),
            new StreamStartRecorded("f.000001:4"),
            new TableAdded(A, ["flag"], 10),
            new TableAdded(B, [], 0),
            new ChunkCommitted(A, "k1:L5", 5),
            new CheckpointAdvanced("f.000001:100"),
            new TableSnapshotCompleted(B, 0),
            new TableResyncRequested(B, "ALTER TABLE", at),
        }.Aggregate(ConnectorState.Empty, (s, e) => s.Apply(e));

        Assert.Equal("f.000001:4", state.StreamStart);
        Assert.Equal("f.000001:100", state.Checkpoint);
        Assert.Equal(new TableProgress(A, TablePhase.Snapshotting, "k1:L5", 5, 10, state.Table(A)!.BooleanColumns, null), state.Table(A));
        Assert.Equal(TablePhase.NeedsResync, state.Table(B)!.Phase);
        Assert.Equal("forced_resync_table", Assert.Single(state.Events).Kind);

        var lost = state.Apply(new PositionLost("f.000001:100", "f.000009:4", "purged", at));
        Assert.All(lost.Tables.Values, t => Assert.Equal(TablePhase.NeedsResync, t.Phase));
        Assert.Equal("f.000009:4", lost.Checkpoint);
        Assert.Equal("position_lost", lost.Events[^1].Kind);

        var removed = lost.Apply(new TableRemoved(A, "dropped", at));
        Assert.Null(removed.Table(A));
    }

    [Fact]
    public void Events_and_the_state_round_trip_through_the_json_serializer()
    {
        using var system = ActorSystem.Create("ser", ConfigurationFactory.ParseString(SluiceSerialization.Hocon));
        var serialization = system.Serialization;
        var at = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var state = ConnectorState.Empty
            .Apply(new ConnectorInitialized("fp", "c2FsdA=="))
            .Apply(new TableAdded(B, ["x"], 3))
            .Apply(new TableResyncRequested(B, "why", at));
        object[] messages =
        [
            new TableAdded(A, ["flag"], 10), new ChunkCommitted(A, null, 0), new PositionLost(null, "f:4", "r", at),
            new GetConnectorStatus("c"),
        ];
        foreach (var message in messages)
        {
            var serializer = serialization.FindSerializerFor(message);
            Assert.IsType<SluiceJsonSerializer>(serializer);
            var bytes = serializer.ToBinary(message);
            var back = serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            Assert.Equal(message.GetType(), back.GetType());
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(message, message.GetType()), System.Text.Json.JsonSerializer.Serialize(back, back.GetType()));
        }
        var stateSerializer = serialization.FindSerializerFor(state);
        var restored = (ConnectorState)serialization.Deserialize(stateSerializer.ToBinary(state), stateSerializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(stateSerializer, state));
        Assert.Equal(state.Fingerprint, restored.Fingerprint);
        Assert.Equal(TablePhase.NeedsResync, restored.Table(B)!.Phase);
        Assert.Equal(["x"], restored.Table(B)!.BooleanColumns);
        Assert.Equal(state.Events, restored.Events);
    }
}
