using Akka.Actor;
using Akka.TestKit.Xunit2;
using Sluice.Actors.Destinations;
using Sluice.Actors.Merge;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Positions;

namespace Sluice.Actors.Tests.Merge;

/// <summary>The merge actor's watermark protocol, driven by probes against a real DuckDB file.</summary>
public sealed class TableMergeActorTests : TestKit, IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"sluice-merge-{Guid.NewGuid():N}.duckdb");
    private SharedDestination _destination = null!;

    private static readonly TableMapping Mapping = TypeMapper.MapTable(new SourceTable(new TableId("s", "t"),
    [
        new SourceColumn("id", 1, "int", "int(11)", false, null, null, 10, 0, 0, [], 1),
        new SourceColumn("v", 2, "varchar", "varchar(10)", true, "utf8mb4", "utf8mb4_general_ci", null, null, 0, [], 0),
    ], ["id"], 0, 0, "InnoDB"));

    public async Task InitializeAsync() =>
        _destination = new SharedDestination(await DuckDbDestination.OpenAsync(_path,
            new Replication.Destinations.DestinationOptions { PositionComparer = BinlogPositionComparer.Instance }));

    public async Task DisposeAsync()
    {
        await _destination.DisposeAsync();
        foreach (var file in new[] { _path, _path + ".wal" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    [Fact]
    public async Task A_chunk_waits_for_the_stream_to_pass_its_high_watermark_and_windows_wait_for_the_route()
    {
        await _destination.EnsureTableAsync(Mapping.Destination);
        var connector = CreateTestProbe();
        var snapshot = CreateTestProbe();
        var merge = Sys.ActorOf(TableMergeActor.Props(Mapping, null, _destination, 0, connector.Ref));

        // No window before the reader confirmed the route.
        merge.Tell(new OpenWindow(1), snapshot.Ref);
        snapshot.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        merge.Tell(new Routed("bin.000001:100"));
        snapshot.ExpectMsg<WindowOpened>(w => w.ChunkId == 1);

        // Read between the window and a watermark the stream has not reached: held.
        merge.Tell(new ChunkRead(1, [[1, "a"], [2, "b"]], "bin.000001:500"), snapshot.Ref);
        snapshot.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        merge.Tell(new StreamProgress("bin.000001:400"));
        snapshot.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        merge.Tell(new StreamProgress("bin.000001:500"));
        var written = snapshot.ExpectMsg<ChunkWritten>();
        Assert.Equal((1L, 2, 0), (written.ChunkId, written.Written, written.Dropped));

        // The stream already passed the next chunk's watermark: written at once.
        merge.Tell(new OpenWindow(2), snapshot.Ref);
        snapshot.ExpectMsg<WindowOpened>();
        merge.Tell(new ChunkRead(2, [[3, "c"]], "bin.000001:450"), snapshot.Ref);
        snapshot.ExpectMsg<ChunkWritten>(w => w.ChunkId == 2 && w.Written == 1);

        // A chunk without its window (abandoned) is not written.
        merge.Tell(new ChunkRead(9, [[4, "d"]], "bin.000001:1"), snapshot.Ref);
        snapshot.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        connector.ExpectNoMsg(TimeSpan.Zero);
    }
}
