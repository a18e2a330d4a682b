using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class OnceAndRestartTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_once_run_ends_at_the_start_position_and_a_second_run_resumes()
    {
        var db = await server.CreateDatabaseAsync("once");
        await db.ExecuteAsync("""
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));
            CREATE TABLE n (v VARCHAR(20));
            INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_250;
            INSERT INTO n SELECT CONCAT('v', seq) FROM seq_1_to_40;
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };

        var first = await harness.RunOnceAsync();
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal("completed", first.Outcome);
        Assert.All(first.Status.Tables, t => Assert.Equal("streaming", t.State));
        await harness.VerifyAsync();

        await db.ExecuteAsync("""
            UPDATE t SET v = 'changed' WHERE id <= 20;
            DELETE FROM t WHERE id > 240;
            INSERT INTO t VALUES (1000, 'new');
            INSERT INTO n VALUES ('later');
            """);
        var second = await harness.RunOnceAsync();
        Assert.Equal("completed", second.Outcome);
        Assert.DoesNotContain(second.Status.Events, e => e.Contains("forced_resync_table", StringComparison.Ordinal));
        Assert.True(second.Status.RowChangesApplied >= 32, ConnectorHarness.Describe(second.Status));
        await harness.VerifyAsync();
        Assert.Equal(10, await harness.CountDestinationAsync("t", "_fivetran_deleted"));
    }

    [Fact]
    public async Task Stopping_mid_snapshot_resumes_after_the_last_committed_chunk()
    {
        var db = await server.CreateDatabaseAsync("midsnap");
        await db.ExecuteAsync("""
            CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(20));
            CREATE TABLE nopk (v VARCHAR(20), n INT);
            INSERT INTO big SELECT seq, CONCAT('v', seq) FROM seq_1_to_4000;
            INSERT INTO nopk SELECT CONCAT('v', seq % 100), seq FROM seq_1_to_3000;
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        harness.Config = harness.Config with { ChunkSize = 10 };

        long copiedBeforeStop;
        await using (var host = await harness.StartHostAsync())
        {
            var run = host.RunAsync(harness.Config, once: false, CancellationToken.None);
            var status = await ConnectorHarness.WaitForAsync(host,
                s => s.Tables.Any(t => t.Table.EndsWith(".big", StringComparison.Ordinal) && t.RowsCopied >= 300), "300 rows of big copied");
            copiedBeforeStop = status.Tables.Single(t => t.Table.EndsWith(".big", StringComparison.Ordinal)).RowsCopied;
            await db.ExecuteAsync("UPDATE big SET v = 'x' WHERE id % 7 = 0; DELETE FROM big WHERE id % 11 = 0;");
            // Stop the actor system itself, mid-snapshot.
            await host.DisposeAsync();
            Assert.Equal("stopped", (await run).Outcome);
        }

        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            var resumed = await ConnectorHarness.WaitForAsync(host, s => s.Tables.Count == 2, "the tables to be known");
            var big = resumed.Tables.Single(t => t.Table.EndsWith(".big", StringComparison.Ordinal));
            Assert.True(big.RowsCopied >= copiedBeforeStop - 10 && big.State != "pending", ConnectorHarness.Describe(resumed));
            await db.ExecuteAsync("UPDATE big SET v = 'y' WHERE id % 13 = 0; DELETE FROM nopk WHERE n % 5 = 0;");
            await harness.WaitCaughtUpAsync(host, TimeSpan.FromMinutes(3));
            await cts.CancelAsync();
            await run;
        }
        await harness.VerifyAsync();
    }

    [Fact]
    public async Task Stopping_mid_stream_resumes_from_the_checkpoint_without_duplicates()
    {
        var db = await server.CreateDatabaseAsync("midstream");
        await db.ExecuteAsync("""
            CREATE TABLE t (id INT PRIMARY KEY, v INT);
            CREATE TABLE n (id INT, v INT);
            INSERT INTO t SELECT seq, 0 FROM seq_1_to_100;
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        using var stopWriting = new CancellationTokenSource();
        Task writer;
        await using (var host = await harness.StartHostAsync())
        {
            var run = host.RunAsync(harness.Config, once: false, CancellationToken.None);
            await harness.WaitCaughtUpAsync(host);
            writer = Task.Run(async () =>
            {
                for (var i = 0; i < 400 && !stopWriting.IsCancellationRequested; i++)
                {
                    await db.ExecuteAsync($"INSERT INTO t VALUES ({1000 + i}, {i}); UPDATE t SET v = v + 1 WHERE id = {1 + i % 100}; INSERT INTO n VALUES ({i}, {i});");
                }
            });
            await ConnectorHarness.WaitForAsync(host, s => s.RowChangesApplied >= 150, "some streamed changes");
            await host.DisposeAsync();
            await run;
        }
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await writer;
            await harness.WaitCaughtUpAsync(host);
            await cts.CancelAsync();
            await run;
        }
        await harness.VerifyAsync();
        Assert.Equal(500, await harness.CountDestinationAsync("t"));
        Assert.Equal(400, await harness.CountDestinationAsync("n"));
    }
}
