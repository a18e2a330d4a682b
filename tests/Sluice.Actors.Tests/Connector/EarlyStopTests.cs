using Sluice.Testing;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class EarlyStopTests(MariaDbServer server)
{
    [Fact]
    public async Task Stopping_during_the_start_closes_the_destination_and_the_next_run_works()
    {
        var db = await server.CreateDatabaseAsync("earlystop");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t SELECT seq FROM seq_1_to_20;");
        await using var harness = new ConnectorHarness(db);
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await cts.CancelAsync();
            Assert.Equal("stopped", (await run).Outcome);
            // The same host runs the connector again.
            var second = await host.RunAsync(harness.Config, once: true);
            Assert.Equal("completed", second.Outcome);
        }
        await harness.VerifyAsync();
    }
}
