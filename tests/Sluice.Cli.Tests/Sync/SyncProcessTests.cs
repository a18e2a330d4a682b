using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using MySqlConnector;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Sync;

/// <summary>
/// <c>sluice sync</c> as a real process against the shared MariaDB, a temp DuckDB file and a temp state folder: killed
/// with SIGKILL during the snapshot and during streaming, restarted, caught up; <c>--once</c> resumes; SIGTERM stops
/// cleanly. Every scenario ends with <c>sluice verify</c> passing and no key duplicated in DuckDB.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class SyncProcessTests(MariaDbServer server) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Workspace(TestDatabase Db, string Destination, string State, string Config)
    {
        public string DestinationArg => "duckdb:" + Destination;
    }

    private async Task<Workspace> WorkspaceAsync(string prefix, string setupSql, int chunkSize = 10_000)
    {
        var db = await server.CreateDatabaseAsync(prefix);
        await db.ExecuteAsync(setupSql);
        var config = _dir.File(prefix + ".json");
        File.WriteAllText(config, $$"""{ "connectorId": "{{prefix}}", "includeSchemas": ["{{db.Name}}"], "chunkSize": {{chunkSize}}, "parallelSnapshots": 1 }""");
        return new Workspace(db, _dir.File(prefix + ".duckdb"), _dir.File(prefix + "-state"), config);
    }

    private static string[] SyncArgs(Workspace w, bool once) =>
    [
        "sync", "--source", w.Db.ReplicationConnectionString, "--destination", w.DestinationArg, "--state", w.State,
        "--config", w.Config, "--log-format", "json", "--status-interval", "0.2", .. once ? new[] { "--once" } : [],
    ];

    private static async Task SyncOnceAsync(Workspace w)
    {
        var (code, output, error) = await SluiceChild.RunAsync(Deadline, SyncArgs(w, once: true));
        Assert.True(code == 0, $"sync --once exited {code}: {error}\n{output}");
    }

    private static async Task VerifyPassesAsync(Workspace w)
    {
        var (code, output, error) = await SluiceChild.RunAsync(Deadline,
            "verify", "--source", w.Db.ReplicationConnectionString, "--destination", w.DestinationArg, "--config", w.Config);
        Assert.True(code == 0, $"verify exited {code}: {error}\n{output}");
    }

    /// <summary>Keys held by more than one destination row (primary key, or <c>_fivetran_id</c> without one).</summary>
    private static async Task<long> DuplicatedKeysAsync(Workspace w, string table, string key)
    {
        await using var duck = new DuckDBConnection($"Data Source={w.Destination};ACCESS_MODE=READ_ONLY");
        await duck.OpenAsync();
        await using var cmd = duck.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM (SELECT {key} FROM \"{w.Db.Name}\".\"{table}\" GROUP BY {key} HAVING count(*) > 1)";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static JsonObject? Table(SluiceChild child, string name) =>
        child.LatestTables.FirstOrDefault(t => ((string?)t["table"])?.EndsWith("." + name, StringComparison.Ordinal) == true);

    private static bool AllStreaming(SluiceChild child) =>
        child.LatestTables.Count > 0 && child.LatestTables.All(t => (string?)t["state"] == "streaming");

    [Fact]
    public async Task Killed_during_the_snapshot_resumes_without_duplicates()
    {
        var w = await WorkspaceAsync("killsnap", """
            CREATE TABLE big (id INT PRIMARY KEY, a INT, b VARCHAR(40), c DECIMAL(10,2));
            INSERT INTO big SELECT seq, seq % 97, CONCAT('row ', seq), seq / 7 FROM seq_1_to_60000;
            CREATE TABLE nopk (k INT, v VARCHAR(20));
            INSERT INTO nopk SELECT seq % 500, CONCAT('v', seq % 250) FROM seq_1_to_3000;
            ANALYZE TABLE big, nopk;
            """, chunkSize: 100);

        await using (var first = SluiceChild.Start(SyncArgs(w, once: false)))
        {
            await first.WaitUntilAsync(c => Table(c, "big") is { } t && (string?)t["state"] == "snapshotting" && (long)t["rowsCopied"]! >= 1000,
                Deadline, "the snapshot of 'big' to be under way");
            await first.KillHardAsync();
            var copied = (long)Table(first, "big")!["rowsCopied"]!;
            Assert.InRange(copied, 1000, 59_999);
        }

        // The source changes while the connector is down, including rows the interrupted snapshot already copied.
        await w.Db.ExecuteAsync("""
            UPDATE big SET a = -1 WHERE id % 1000 = 1; DELETE FROM big WHERE id % 1000 = 2; INSERT INTO big VALUES (70001, 1, 'new', 1.5);
            DELETE FROM nopk WHERE k = 3; INSERT INTO nopk VALUES (9999, 'late');
            """);
        await SyncOnceAsync(w);
        await VerifyPassesAsync(w);
        Assert.Equal(0, await DuplicatedKeysAsync(w, "big", "id"));
        Assert.Equal(0, await DuplicatedKeysAsync(w, "nopk", "_fivetran_id"));
    }

    [Fact]
    public async Task Killed_during_streaming_catches_up_without_duplicates()
    {
        var w = await WorkspaceAsync("killstream", """
            CREATE TABLE acct (id INT PRIMARY KEY, balance BIGINT, note VARCHAR(40));
            INSERT INTO acct SELECT seq, 0, 'start' FROM seq_1_to_2000;
            CREATE TABLE events (what VARCHAR(20), n INT);
            """);

        using var stopWriter = new CancellationTokenSource();
        long transactions = 0;
        var writer = Task.Run(async () =>
        {
            await using var conn = new MySqlConnection(w.Db.RootConnectionString);
            await conn.OpenAsync();
            var i = 0;
            while (!stopWriter.IsCancellationRequested)
            {
                i++;
                await using var cmd = new MySqlCommand($"""
                    START TRANSACTION;
                    UPDATE acct SET balance = balance + 1, note = 'tx {i}' WHERE id % 50 = {i % 50};
                    INSERT INTO acct VALUES ({10_000 + i}, {i}, 'new') ON DUPLICATE KEY UPDATE balance = balance + 1;
                    DELETE FROM acct WHERE id = {1 + i * 7 % 2000};
                    INSERT INTO events VALUES ('tx', {i % 10});
                    COMMIT;
                    """, conn);
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Increment(ref transactions);
            }
        });

        try
        {
            await using (var first = SluiceChild.Start(SyncArgs(w, once: false)))
            {
                await first.WaitUntilAsync(AllStreaming, Deadline, "every table to stream");
                // Let the stream apply a good number of the writer's transactions, then crash mid-stream.
                var seen = first.Statuses.Count();
                await first.WaitUntilAsync(c => c.Statuses.Count() >= seen + 5 && Interlocked.Read(ref transactions) > 200,
                    Deadline, "streaming to apply changes");
                await first.KillHardAsync();
            }
            // Keep writing while the connector is down, then stop the writer.
            var atKill = Interlocked.Read(ref transactions);
            while (Interlocked.Read(ref transactions) < atKill + 100 && !writer.IsCompleted) await Task.Delay(10);
        }
        finally
        {
            await stopWriter.CancelAsync();
            await writer;
        }

        await SyncOnceAsync(w);
        await VerifyPassesAsync(w);
        Assert.Equal(0, await DuplicatedKeysAsync(w, "acct", "id"));
        Assert.Equal(0, await DuplicatedKeysAsync(w, "events", "_fivetran_id"));
    }

    [Fact]
    public async Task Once_resumes_where_the_previous_run_stopped()
    {
        var w = await WorkspaceAsync("once", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));
            INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_500;
            """);
        await SyncOnceAsync(w);
        await VerifyPassesAsync(w);
        var syncedBefore = await SyncedAtAsync(w, 400);

        await w.Db.ExecuteAsync("UPDATE t SET v = 'changed' WHERE id = 1; DELETE FROM t WHERE id = 2; INSERT INTO t VALUES (501, 'new')");
        await SyncOnceAsync(w);
        await VerifyPassesAsync(w);
        // The second run applied the three changes from the binlog; it did not copy the table again.
        Assert.Equal(syncedBefore, await SyncedAtAsync(w, 400));
        Assert.NotEqual(syncedBefore, await SyncedAtAsync(w, 1));
        Assert.Equal(0, await DuplicatedKeysAsync(w, "t", "id"));
    }

    private static async Task<DateTime> SyncedAtAsync(Workspace w, int id)
    {
        await using var duck = new DuckDBConnection($"Data Source={w.Destination};ACCESS_MODE=READ_ONLY");
        await duck.OpenAsync();
        await using var cmd = duck.CreateCommand();
        cmd.CommandText = $"SELECT _fivetran_synced::TIMESTAMP FROM \"{w.Db.Name}\".t WHERE id = {id}";
        return Convert.ToDateTime(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Hashed_and_blocked_columns_follow_the_config_and_verify_with_the_stored_salt()
    {
        var w = await WorkspaceAsync("hashing", """
            CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(64), notes VARCHAR(64), country CHAR(2));
            INSERT INTO people VALUES (1, 'a@example.com', 'private', 'DE'), (2, NULL, 'x', 'FR'), (3, 'a@example.com', NULL, 'DE');
            CREATE TABLE skipped (id INT PRIMARY KEY);
            """);
        File.WriteAllText(w.Config, $$"""
            { "connectorId": "hashing", "includeSchemas": ["{{w.Db.Name}}"], "excludeTables": ["{{w.Db.Name}}.skipped"],
              "excludeColumns": ["{{w.Db.Name}}.people.notes"], "hashedColumns": ["{{w.Db.Name}}.people.email"] }
            """);
        await SyncOnceAsync(w);
        var (code, output, error) = await SluiceChild.RunAsync(Deadline, "verify", "--source", w.Db.ReplicationConnectionString,
            "--destination", w.DestinationArg, "--config", w.Config, "--state", w.State);
        Assert.True(code == 0, $"verify exited {code}: {error}\n{output}");

        await using var duck = new DuckDBConnection($"Data Source={w.Destination};ACCESS_MODE=READ_ONLY");
        await duck.OpenAsync();
        await using var cmd = duck.CreateCommand();
        cmd.CommandText = $"SELECT id, email FROM \"{w.Db.Name}\".people ORDER BY id";
        var rows = new List<(int Id, string? Email)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) rows.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        Assert.Matches("^[0-9a-f]{64}$", rows[0].Email);
        Assert.Null(rows[1].Email);
        Assert.Equal(rows[0].Email, rows[2].Email); // equal values hash equally (joins still work)
        cmd.CommandText = $"SELECT count(*) FROM information_schema.columns WHERE table_schema = '{w.Db.Name}' AND column_name = 'notes'";
        Assert.Equal(0L, Convert.ToInt64(await cmd.ExecuteScalarAsync()));
        cmd.CommandText = $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{w.Db.Name}' AND table_name = 'skipped'";
        Assert.Equal(0L, Convert.ToInt64(await cmd.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task Sigterm_stops_streaming_cleanly_with_exit_code_zero()
    {
        var w = await WorkspaceAsync("sigterm", """
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));
            INSERT INTO t VALUES (1, 'a'), (2, 'b');
            """);
        await using var child = SluiceChild.Start(SyncArgs(w, once: false));
        await child.WaitUntilAsync(AllStreaming, Deadline, "every table to stream");
        await w.Db.ExecuteAsync("INSERT INTO t VALUES (3, 'c')");
        // DuckDB has one writer process: verify says so in one line instead of failing obscurely.
        var busy = await CliRunner.RunAsync("verify", "--source", w.Db.ReplicationConnectionString, "--destination", w.DestinationArg, "--config", w.Config);
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("is in use by a running sluice sync", busy.Error);
        child.Terminate();
        Assert.Equal(0, await child.WaitForExitAsync(Deadline));
        Assert.Contains(child.Records, r => ((string?)r["message"])?.StartsWith("sync stopped", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(server.ReplicationPassword, child.Output);
        await SyncOnceAsync(w);
        await VerifyPassesAsync(w);
    }
}
