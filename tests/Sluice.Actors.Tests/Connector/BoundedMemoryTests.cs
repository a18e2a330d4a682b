using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class BoundedMemoryTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_200k_row_transaction_streams_through_bounded_batches()
    {
        var db = await server.CreateDatabaseAsync("bigtx");
        await db.ExecuteAsync("CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40))");
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        harness.Config = harness.Config with { MaxBatchRowChanges = 5_000, MaxInFlightBatches = 3 };
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await harness.WaitCaughtUpAsync(host);

            await db.ExecuteAsync("INSERT INTO big SELECT seq, CONCAT('row number ', seq) FROM seq_1_to_200000");
            var status = await harness.WaitCaughtUpAsync(host, TimeSpan.FromMinutes(3));
            await cts.CancelAsync();
            await run;

            var buffers = status.Buffers ?? throw new InvalidOperationException("no buffer figures: " + ConnectorHarness.Describe(status));
            output.WriteLine($"{buffers}; applied {status.RowChangesApplied}");
            Assert.Equal(3, buffers.MaxInFlightBatches);
            Assert.InRange(buffers.MaxInFlightBatchesSeen, 1, 3);
            // A batch is cut once it holds the limit; one rows event (at most a few hundred rows here) may overshoot it.
            Assert.InRange(buffers.MaxBatchRowChangesSeen, 1, 5_000 + 1_000);
            Assert.True(status.RowChangesApplied >= 200_000, ConnectorHarness.Describe(status));
        }
        Assert.Equal(200_000, await harness.CountDestinationAsync("big"));
        await harness.VerifyAsync();
    }
}
