using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Values;
using Sluice.Replication.Verify;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Actors.Tests.Connector;

/// <summary>
/// The connector with a destination that lost tables or its ledger between runs, a destination file named like the
/// source schema, a source schema named like Sluice's ledger schema, and text with NUL bytes through the stream.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class DestinationLossAndNamesTests(MariaDbServer server, ITestOutputHelper output)
{
    private static async Task DropInDestinationAsync(string path, string sql)
    {
        await using var connection = DuckDbFiles.Connection(path);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task VerifyAsync(TestDatabase db, string path, params string[] schemas)
    {
        await using var source = await SourceConnections.OpenAsync(db.Server.RootConnectionString());
        await using var destination = await DatabaseVerifier.OpenReadOnlyAsync(path);
        var report = await DatabaseVerifier.VerifyAsync(source, destination, DiscoveryFilter.FromNames(includeSchemas: schemas));
        Assert.True(report.IsClean, report.ToText());
    }

    [Fact]
    public async Task A_table_dropped_in_the_destination_between_runs_is_copied_again_with_the_reason()
    {
        var db = await server.CreateDatabaseAsync("losttable");
        await db.ExecuteAsync("""
            CREATE TABLE kept (id INT PRIMARY KEY, v INT); INSERT INTO kept SELECT seq, seq FROM seq_1_to_40;
            CREATE TABLE dropped (id INT PRIMARY KEY, v INT); INSERT INTO dropped SELECT seq, seq FROM seq_1_to_70;
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);

        await DropInDestinationAsync(harness.DestinationPath, $"DROP TABLE \"{db.Name}\".dropped");
        await db.ExecuteAsync("UPDATE dropped SET v = 0 WHERE id = 1; INSERT INTO kept VALUES (41, 41)");
        var again = await harness.RunOnceAsync();
        Assert.Equal("completed", again.Outcome);
        Assert.Contains(again.Status.Events, e => e.Contains("forced_resync_table", StringComparison.Ordinal)
            && e.Contains($"{db.Name}.dropped", StringComparison.Ordinal) && e.Contains("missing from", StringComparison.Ordinal));
        Assert.DoesNotContain(again.Status.Events, e => e.Contains("forced_resync_table", StringComparison.Ordinal)
            && e.Contains($"{db.Name}.kept", StringComparison.Ordinal));
        Assert.Equal(70, await harness.CountDestinationAsync("dropped"));
        Assert.Equal(41, await harness.CountDestinationAsync("kept"));
        await harness.VerifyAsync();
    }

    [Fact]
    public async Task A_destination_replaced_by_an_empty_file_is_copied_again()
    {
        var db = await server.CreateDatabaseAsync("emptydest");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t SELECT seq, 'x' FROM seq_1_to_60;");
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);

        // Deleted, then created again empty (as a pre-flight check that opens the file does): no ledger, no tables.
        File.Delete(harness.DestinationPath);
        if (File.Exists(harness.DestinationPath + ".wal")) File.Delete(harness.DestinationPath + ".wal");
        await DropInDestinationAsync(harness.DestinationPath, "SELECT 1");
        Assert.True(File.Exists(harness.DestinationPath));

        var again = await harness.RunOnceAsync();
        Assert.Equal("completed", again.Outcome);
        Assert.Contains(again.Status.Events, e => e.Contains("destination_missing", StringComparison.Ordinal));
        Assert.Equal(60, await harness.CountDestinationAsync("t"));
        await harness.VerifyAsync();
    }

    [Fact]
    public async Task A_destination_file_named_like_the_source_schema_and_text_with_nul_bytes_through_the_stream()
    {
        var db = await server.CreateDatabaseAsync("shop");
        await db.ExecuteAsync("""
            CREATE TABLE t (k CHAR(10) PRIMARY KEY, v VARCHAR(40));
            INSERT INTO t VALUES ('a\0b', CONCAT('nul', CHAR(0), 'byte', CHAR(1), CHAR(31))), ('plain', 'x');
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        var path = Path.Combine(Path.GetDirectoryName(harness.DestinationPath)!, db.Name + ".duckdb");
        harness.Config = harness.Config with { DestinationPath = path };
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);

        await db.ExecuteAsync("""
            INSERT INTO t VALUES ('c\0', CONCAT(CHAR(0), 'z', CHAR(2))), ('\0', NULL);
            UPDATE t SET v = CONCAT('p', CHAR(0)) WHERE k = 'plain';
            UPDATE t SET k = 'moved\0' WHERE k = 'a\0b';
            """);
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);

        await using (var connection = await DatabaseVerifier.OpenReadOnlyAsync(path))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT k, v, _fivetran_deleted FROM \"{db.Name}\".\"{db.Name}\".t ORDER BY k";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<object?[]>();
            while (await reader.ReadAsync()) rows.Add([reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2)]);
            Assert.Equal(
                [
                    ["\0", null, false],
                    ["a\0b", "nul\0byte\u0001\u001f", true],
                    ["c\0", "\0z\u0002", false],
                    ["moved\0", "nul\0byte\u0001\u001f", false],
                    ["plain", "p\0", false],
                ],
                rows);
        }
        await VerifyAsync(db, path, db.Name);
    }

    [Fact]
    public async Task A_source_schema_named_like_the_ledgers_schema_is_refused_naming_the_clash_and_can_be_excluded()
    {
        var db = await server.CreateDatabaseAsync("ledgerclash");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2);");
        await server.ExecuteAsync("""
            CREATE DATABASE IF NOT EXISTS _sluice;
            CREATE OR REPLACE TABLE _sluice.positions (schema_name VARCHAR(10) PRIMARY KEY, position VARCHAR(10));
            INSERT INTO _sluice.positions VALUES ('x', 'y');
            """);
        try
        {
            await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
            harness.Config = harness.Config with { Filter = DiscoveryFilter.FromNames(includeSchemas: [db.Name, "_sluice"]) };
            var refused = await harness.RunOnceAsync();
            Assert.Equal("failed", refused.Outcome);
            Assert.Contains("_sluice", refused.Error, StringComparison.Ordinal);
            Assert.Contains("excludeSchemas", refused.Error, StringComparison.Ordinal);

            harness.Config = harness.Config with
            {
                Filter = DiscoveryFilter.FromNames(includeSchemas: [db.Name, "_sluice"], excludeSchemas: ["_sluice"]),
            };
            Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);
            await harness.VerifyAsync();
        }
        finally
        {
            await server.ExecuteAsync("DROP DATABASE IF EXISTS _sluice");
        }
    }

    [Fact]
    public async Task A_source_column_named_like_a_system_column_needs_action_and_can_be_excluded()
    {
        var db = await server.CreateDatabaseAsync("syscol");
        await db.ExecuteAsync("""
            CREATE TABLE t (id INT PRIMARY KEY, _fivetran_deleted TINYINT, v INT); INSERT INTO t VALUES (1, 1, 10), (2, 0, 20);
            CREATE TABLE ok (id INT PRIMARY KEY); INSERT INTO ok VALUES (1);
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        var refused = await harness.RunOnceAsync();
        Assert.Equal("failed", refused.Outcome);
        Assert.Contains("_fivetran_deleted", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"excludeColumns: [\"{db.Name}.t._fivetran_deleted\"]", refused.Error, StringComparison.Ordinal);

        harness.Config = harness.Config with
        {
            Filter = DiscoveryFilter.FromNames(includeSchemas: [db.Name], excludeColumns: [$"{db.Name}.t._fivetran_deleted"]),
        };
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);
        Assert.Equal(2, await harness.CountDestinationAsync("t", "NOT _fivetran_deleted"));
    }

    [Fact]
    public async Task Source_schemas_named_temp_main_and_system_replicate_by_snapshot_and_stream()
    {
        var db = await server.CreateDatabaseAsync("catalogs");
        string[] schemas = ["temp", "main", "system"];
        foreach (var schema in schemas)
        {
            await server.ExecuteAsync($"DROP DATABASE IF EXISTS `{schema}`; CREATE DATABASE `{schema}`; " +
                $"CREATE TABLE `{schema}`.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO `{schema}`.t VALUES (1, 'a'), (2, 'b');");
        }
        try
        {
            await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
            harness.Config = harness.Config with { Filter = DiscoveryFilter.FromNames(includeSchemas: schemas) };
            Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);
            foreach (var schema in schemas)
            {
                await server.ExecuteAsync($"UPDATE `{schema}`.t SET v = 'c' WHERE id = 1; DELETE FROM `{schema}`.t WHERE id = 2; " +
                    $"INSERT INTO `{schema}`.t VALUES (3, 'd');");
            }
            Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);
            await VerifyAsync(db, harness.DestinationPath, schemas);
            Assert.Equal([["c"]], await harness.QueryDestinationAsync("SELECT v FROM destination.\"system\".t WHERE id = 1"));
        }
        finally
        {
            foreach (var schema in schemas) await server.ExecuteAsync($"DROP DATABASE IF EXISTS `{schema}`");
        }
    }
}
