using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class ChunkRaceTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Updates_and_deletes_hammered_during_the_snapshot_leave_no_duplicate_and_no_resurrected_row()
    {
        var db = await server.CreateDatabaseAsync("race");
        await db.ExecuteAsync("""
            CREATE TABLE hot (id INT PRIMARY KEY, v INT, note VARCHAR(20));
            CREATE TABLE hotnopk (k INT, v INT);
            INSERT INTO hot SELECT seq, 0, 'init' FROM seq_1_to_3000;
            INSERT INTO hotnopk SELECT seq, 0 FROM seq_1_to_1500;
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        harness.Config = harness.Config with { ChunkSize = 10 };
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            using var stop = new CancellationTokenSource();
            var random = new Random(42);
            var deleted = 0;
            var hammer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var id = random.Next(1, 3001);
                    switch (random.Next(5))
                    {
                        case 0:
                            await db.ExecuteAsync($"DELETE FROM hot WHERE id = {id}");
                            deleted++;
                            break;
                        case 1:
                            await db.ExecuteAsync($"INSERT INTO hot VALUES ({id}, 1, 'again') ON DUPLICATE KEY UPDATE v = v + 1, note = 'dup'");
                            break;
                        case 2:
                            await db.ExecuteAsync($"DELETE FROM hotnopk WHERE k = {id / 2}; INSERT INTO hotnopk VALUES ({id + 5000}, {id})");
                            break;
                        default:
                            await db.ExecuteAsync($"UPDATE hot SET v = v + 1, note = 'upd' WHERE id BETWEEN {id} AND {id + 3}");
                            break;
                    }
                }
            });
            await ConnectorHarness.WaitForAsync(host, s => s.Tables.Count == 2 && s.Tables.All(t => t.State == "streaming"),
                "both snapshots", TimeSpan.FromMinutes(4));
            await stop.CancelAsync();
            await hammer;
            output.WriteLine($"deleted {deleted} rows during the snapshot");
            await harness.WaitCaughtUpAsync(host);
            await cts.CancelAsync();
            await run;
        }
        var report = await harness.VerifyAsync();
        Assert.All(report.Tables, t => Assert.Equal(0, t.DuplicateCount));
        var live = Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM hot"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(live, await harness.CountDestinationAsync("hot", "NOT _fivetran_deleted"));
    }
}
