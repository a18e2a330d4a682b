using Sluice.Testing;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class EndToEndTests(MariaDbServer server)
{
    [Fact]
    public async Task Snapshot_then_stream_of_pk_composite_and_no_pk_tables_matches_the_source()
    {
        var db = await server.CreateDatabaseAsync("e2e");
        await db.ExecuteAsync("""
            CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50), qty INT, flag TINYINT(1));
            CREATE TABLE pairs (a INT, b VARCHAR(10), v DECIMAL(10,2), PRIMARY KEY (a, b));
            CREATE TABLE logs (msg VARCHAR(50), n INT);
            INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 2, seq % 2 FROM seq_1_to_300;
            INSERT INTO pairs SELECT seq % 10, CONCAT('k', seq), seq / 3 FROM seq_1_to_120;
            INSERT INTO logs VALUES ('a', 1), ('a', 1), ('b', 2), ('c', 3);
            """);
        await using var harness = new ConnectorHarness(db);
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await harness.WaitCaughtUpAsync(host);

            await db.ExecuteAsync("""
                UPDATE items SET qty = qty + 1000 WHERE id <= 10;
                UPDATE items SET id = 10000 WHERE id = 50;
                DELETE FROM items WHERE id BETWEEN 100 AND 109;
                INSERT INTO items VALUES (5000, 'new', 1, 1);
                UPDATE pairs SET v = 0 WHERE a = 3;
                DELETE FROM pairs WHERE a = 4;
                UPDATE pairs SET b = 'moved' WHERE a = 5 AND b = 'k5';
                INSERT INTO logs VALUES ('d', 4), ('d', 4);
                DELETE FROM logs WHERE msg = 'b';
                UPDATE logs SET n = 30 WHERE msg = 'c';
                """);
            await harness.WaitCaughtUpAsync(host);
            await cts.CancelAsync();
            var result = await run;
            Assert.Equal("stopped", result.Outcome);
        }

        await harness.VerifyAsync();
        Assert.Equal(10, await harness.CountDestinationAsync("items", "_fivetran_deleted AND id BETWEEN 100 AND 109"));
        Assert.Equal(1, await harness.CountDestinationAsync("items", "_fivetran_deleted AND id = 50"));
        Assert.Equal(1, await harness.CountDestinationAsync("items", "NOT _fivetran_deleted AND id = 10000"));
        Assert.Equal(1, await harness.CountDestinationAsync("logs", "NOT _fivetran_deleted AND msg = 'a'"));
        Assert.Equal(1, await harness.CountDestinationAsync("logs", "NOT _fivetran_deleted AND msg = 'd'"));
        Assert.Equal(1, await harness.CountDestinationAsync("logs", "_fivetran_deleted AND msg = 'c' AND n = 3"));
        Assert.Equal(1, await harness.CountDestinationAsync("logs", "NOT _fivetran_deleted AND msg = 'c' AND n = 30"));
    }

    [Fact]
    public async Task Many_tables_prepared_side_by_side_keep_each_tables_own_boolean_observation()
    {
        var db = await server.CreateDatabaseAsync("prep");
        // Table tN holds flag values 0..N-1 in f (BOOLEAN only for t1, t2) and 0/1 in g (always BOOLEAN).
        var sql = string.Concat(Enumerable.Range(1, 7).Select(n =>
            $"CREATE TABLE t{n} (id INT PRIMARY KEY, f TINYINT(1), g TINYINT(1)); INSERT INTO t{n} SELECT seq, seq % {n}, seq % 2 FROM seq_1_to_50;"));
        await db.ExecuteAsync(sql);
        await using var harness = new ConnectorHarness(db);
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);

        await harness.VerifyAsync();
        var types = await harness.QueryDestinationAsync(
            $"SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = '{db.Name}' AND column_name IN ('f', 'g') ORDER BY table_name, column_name");
        var expected = Enumerable.Range(1, 7).SelectMany(n => new[]
        {
            $"t{n}.f {(n <= 2 ? "BOOLEAN" : "INTEGER")}",
            $"t{n}.g BOOLEAN",
        });
        Assert.Equal(expected, types.Select(r => $"{r[0]}.{r[1]} {r[2]}"));
    }
}
