using Sluice.Testing;

namespace Sluice.Cli.Tests.Sync;

/// <summary>
/// <c>sluice sync --once</c> as a real process: a destination deleted between two runs is copied again (never an empty
/// file reported as done), and a DuckDB file named like the source schema, with text holding NUL and control bytes,
/// replicates by snapshot and by stream. Each ends with <c>sluice verify</c> passing.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class SyncDestinationTests(MariaDbServer server) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<string> RunAsync(params string[] args)
    {
        var (code, output, error) = await SluiceChild.RunAsync(Deadline, args);
        Assert.True(code == 0, $"sluice {args[0]} exited {code}: {error}\n{output}");
        return output;
    }

    private async Task<(TestDatabase Db, string[] Sync, string[] Verify, string Destination)> WorkspaceAsync(string prefix, string sql,
        Func<TestDatabase, string> destinationName)
    {
        var db = await server.CreateDatabaseAsync(prefix);
        await db.ExecuteAsync(sql);
        var config = _dir.File(prefix + ".json");
        File.WriteAllText(config, $$"""{ "connectorId": "{{prefix}}", "includeSchemas": ["{{db.Name}}"], "chunkSize": 2 }""");
        var destination = _dir.File(destinationName(db));
        string[] sync = ["sync", "--source", db.ReplicationConnectionString, "--destination", "duckdb:" + destination,
            "--state", _dir.File(prefix + "-state"), "--config", config, "--log-format", "json", "--once"];
        string[] verify = ["verify", "--source", db.ReplicationConnectionString, "--destination", "duckdb:" + destination, "--config", config];
        return (db, sync, verify, destination);
    }

    [Fact]
    public async Task A_destination_deleted_between_two_runs_is_copied_again()
    {
        var (_, sync, verify, destination) = await WorkspaceAsync("deleted",
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t SELECT seq, 'x' FROM seq_1_to_25;", _ => "deleted.duckdb");
        await RunAsync(sync);
        await RunAsync(verify);

        File.Delete(destination);
        if (File.Exists(destination + ".wal")) File.Delete(destination + ".wal");
        var output = await RunAsync(sync);
        Assert.Contains("destination_missing", output, StringComparison.Ordinal);
        await RunAsync(verify);
    }

    [Fact]
    public async Task A_destination_named_like_the_schema_keeps_text_with_nul_bytes_by_snapshot_and_stream()
    {
        var (db, sync, verify, _) = await WorkspaceAsync("shop", """
            CREATE TABLE t (k CHAR(10) PRIMARY KEY, v VARCHAR(40));
            INSERT INTO t VALUES ('a\0b', CONCAT('nul', CHAR(0), 'byte', CHAR(1), CHAR(31))), ('\0', 'x'), ('c', CHAR(0));
            CREATE TABLE loose (v VARCHAR(40));
            INSERT INTO loose VALUES (CONCAT('n', CHAR(0))), ('n');
            """, db => db.Name + ".duckdb");
        await RunAsync(sync);
        await RunAsync(verify);

        await db.ExecuteAsync("""
            INSERT INTO t VALUES ('d\0', CONCAT(CHAR(0), CHAR(2)));
            UPDATE t SET v = CONCAT('y', CHAR(0), 'z') WHERE k = '\0';
            DELETE FROM t WHERE k = 'a\0b';
            INSERT INTO loose VALUES (CONCAT(CHAR(0), 'm'));
            DELETE FROM loose WHERE v = 'n';
            """);
        await RunAsync(sync);
        await RunAsync(verify);
    }
}
