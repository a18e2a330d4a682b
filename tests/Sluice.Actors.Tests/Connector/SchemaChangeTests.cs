using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class SchemaChangeTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Ddl_during_streaming_resyncs_the_table_and_a_new_table_is_picked_up()
    {
        var db = await server.CreateDatabaseAsync("ddl");
        await db.ExecuteAsync("""
            CREATE TABLE orders (id INT PRIMARY KEY, amount INT, flag TINYINT(1));
            CREATE TABLE other (id INT PRIMARY KEY, v INT);
            INSERT INTO orders SELECT seq, seq, seq % 2 FROM seq_1_to_200;
            INSERT INTO other SELECT seq, seq FROM seq_1_to_20;
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await harness.WaitCaughtUpAsync(host);

            await db.ExecuteAsync("""
                UPDATE orders SET amount = 0 WHERE id = 1;
                ALTER TABLE orders ADD COLUMN note VARCHAR(20) DEFAULT 'n';
                UPDATE orders SET note = 'after' WHERE id <= 5;
                DELETE FROM orders WHERE id = 200;
                UPDATE other SET v = -1 WHERE id = 1;
                """);
            var status = await ConnectorHarness.WaitForAsync(host,
                s => s.Events.Any(e => e.Contains("forced_resync_table", StringComparison.Ordinal) && e.Contains(".orders", StringComparison.Ordinal)
                    && e.Contains("ALTER TABLE", StringComparison.Ordinal)),
                "a forced_resync_table event for orders");
            output.WriteLine(string.Join("\n", status.Events));
            await harness.WaitCaughtUpAsync(host);

            // A BOOLEAN-mapped TINYINT(1) receiving 2 re-syncs the table with the column as INTEGER.
            await db.ExecuteAsync("UPDATE orders SET flag = 2 WHERE id = 3");
            await ConnectorHarness.WaitForAsync(host,
                s => s.Events.Any(e => e.Contains("forced_resync_table", StringComparison.Ordinal) && e.Contains("BOOLEAN", StringComparison.Ordinal)),
                "a forced_resync_table event for the BOOLEAN violation");

            await db.ExecuteAsync("""
                CREATE TABLE created_later (id INT PRIMARY KEY, v VARCHAR(10));
                INSERT INTO created_later VALUES (1, 'a'), (2, 'b');
                """);
            await ConnectorHarness.WaitForAsync(host, s => s.Tables.Any(t => t.Table.EndsWith(".created_later", StringComparison.Ordinal)),
                "the new table");
            await db.ExecuteAsync("INSERT INTO created_later VALUES (3, 'c'); UPDATE created_later SET v = 'z' WHERE id = 1;");
            await harness.WaitCaughtUpAsync(host);

            // A dropped table is no longer replicated.
            await db.ExecuteAsync("DROP TABLE other");
            await ConnectorHarness.WaitForAsync(host, s => s.Tables.All(t => !t.Table.EndsWith(".other", StringComparison.Ordinal)), "other to be dropped");
            await cts.CancelAsync();
            await run;
        }
        await harness.VerifyAsync();
        Assert.Equal(5, await harness.CountDestinationAsync("orders", "note = 'after'"));
        Assert.Equal(3, await harness.CountDestinationAsync("created_later"));
    }
}
