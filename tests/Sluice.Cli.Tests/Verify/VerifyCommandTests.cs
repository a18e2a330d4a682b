using System.Text.Json.Nodes;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Verify;

/// <summary><c>sluice verify</c> against a destination written directly with the replication library.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class VerifyCommandTests(MariaDbServer server) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Copies every table of <paramref name="db"/> into <paramref name="path"/> (a plain snapshot, no stream).</summary>
    private static async Task CopyAsync(TestDatabase db, string path)
    {
        await using var source = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        await using var destination = await DuckDbDestination.OpenAsync(path);
        foreach (var table in await SchemaDiscovery.DiscoverAsync(source, DiscoveryFilter.FromNames(includeSchemas: [db.Name])))
        {
            var mapping = TypeMapper.MapTable(table, await TypeMapper.ObserveBooleanTinyIntsAsync(source, table));
            await destination.EnsureTableAsync(mapping.Destination);
            if (table.HasPrimaryKey)
            {
                var chunk = await ChunkReader.ReadChunkAsync(source, mapping, null, 1_000_000);
                await destination.WriteSnapshotChunkAsync(mapping.Destination, chunk.Rows, "copy");
            }
            else
            {
                await foreach (var batch in ChunkReader.ReadWholeTableAsync(source, mapping, 10_000))
                {
                    await destination.WriteSnapshotChunkAsync(mapping.Destination, batch, "copy");
                }
            }
        }
    }

    [Fact]
    public async Task Passes_on_equal_data_and_catches_a_difference()
    {
        var db = await server.CreateDatabaseAsync("verifycli");
        await db.ExecuteAsync("""
            CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2), flag TINYINT(1));
            INSERT INTO items VALUES (1, 'a', 1.50, 1), (2, 'b', NULL, 0), (3, 'c', 3.00, NULL);
            CREATE TABLE log (msg VARCHAR(20), n INT);
            INSERT INTO log VALUES ('x', 1), ('x', 1), ('y', 2);
            """);
        var path = _dir.File("v.duckdb");
        await CopyAsync(db, path);
        File.WriteAllText(_dir.File("c.json"), $$"""{ "includeSchemas": ["{{db.Name}}"] }""");
        string[] args = ["verify", "--source", db.ReplicationConnectionString, "--destination", "duckdb:" + path, "--config", _dir.File("c.json")];

        var clean = await CliRunner.RunAsync(args);
        Assert.True(clean.ExitCode == 0, clean.Output + clean.Error);
        Assert.Contains($"OK      {db.Name}.items: source 3 rows, destination 3 live + 0 deleted", clean.Output);
        Assert.Contains($"OK      {db.Name}.log: source 3 (2 distinct) rows", clean.Output);
        Assert.Contains("verified 2 tables: 2 identical, 0 different, 0 not comparable", clean.Output);
        Assert.DoesNotContain(server.ReplicationPassword, clean.Output);

        await db.ExecuteAsync("UPDATE items SET name = 'changed' WHERE id = 2; INSERT INTO items VALUES (4, 'd', 4.00, 0); DELETE FROM log WHERE msg = 'y'");
        var differs = await CliRunner.RunAsync(args);
        Assert.Equal(4, differs.ExitCode);
        Assert.Contains($"DIFFERS {db.Name}.items", differs.Output);
        Assert.Contains("missing 1, extra 0, different 1", differs.Output);
        Assert.Contains($"DIFFERS {db.Name}.log", differs.Output);

        var json = await CliRunner.RunAsync([.. args, "--json"]);
        Assert.Equal(4, json.ExitCode);
        var report = JsonNode.Parse(json.Output)!;
        Assert.False((bool)report["clean"]!);
        var items = report["tables"]!.AsArray().Single(t => ((string)t!["table"]!).EndsWith(".items", StringComparison.Ordinal))!;
        Assert.Equal("differs", (string?)items["status"]);
        Assert.Equal(1, (long)items["different"]!);
    }
}
