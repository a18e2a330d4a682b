using System.Text.Json;
using Npgsql;
using Sluice.Replication.Discovery;
using Sluice.Replication.Values;
using Sluice.Replication.Verify;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Cluster.Tests;

/// <summary>
/// A node on a PostgreSQL journal (Npgsql, Sluice's own tables): a connector is created, the whole cluster (one node)
/// stops with SIGTERM while the source keeps changing, and when the node starts again the connector comes back by
/// itself (remember-entities, its definition from its own journal) and catches up; the destination verifies clean.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class PostgreSqlJournalTests(MariaDbServer server, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Connectors_restart_by_themselves_after_a_full_cluster_restart_on_a_postgresql_journal()
    {
        var source = await server.CreateDatabaseAsync("pgjournalsrc");
        await source.ExecuteAsync("""
            CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, body TEXT NULL);
            INSERT INTO items SELECT seq, CONCAT('item ', seq), REPEAT('x', 400) FROM seq_1_to_200;
            """);
        var journal = await postgres.CreateDatabaseAsync("journal");
        await using var cluster = ClusterHarness.Create(output, "postgresql", journal);
        cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 1, TimeSpan.FromSeconds(90));

        var destination = Path.Combine(cluster.Directory, "items.duckdb");
        var body = JsonSerializer.Serialize(new
        {
            id = "items",
            sourceConnectionString = server.ReplicationConnectionString(),
            destinationPath = destination,
            includeSchemas = new[] { source.Name },
            killZombieConnections = false,
        });
        var (status, _) = await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        await cluster.WaitForConnectorAsync(0, "items", "streaming", i => ClusterHarness.Phase(i) == "streaming", TimeSpan.FromSeconds(90));

        // The whole cluster stops (gracefully); the source changes meanwhile.
        cluster.Node(0).Terminate();
        Assert.True(await cluster.Node(0).WaitForExitAsync(TimeSpan.FromSeconds(60)), "the node did not exit on SIGTERM");
        await source.ExecuteAsync("INSERT INTO items SELECT seq, CONCAT('late ', seq), REPEAT('y', 500) FROM seq_201_to_260; UPDATE items SET name = 'changed' WHERE id <= 10; DELETE FROM items WHERE id BETWEEN 11 AND 20;");

        // Nobody asks for the connector: remember-entities starts it.
        cluster.Forget(0);
        cluster.StartNode(0);
        await cluster.WaitForMembersAsync(0, 1, TimeSpan.FromSeconds(90));
        var regions = await cluster.WaitForAsync("the connector restarted by itself", TimeSpan.FromSeconds(90), async () =>
        {
            var (code, placement) = await cluster.GetAsync(0, "api/sharding/regions");
            return code == System.Net.HttpStatusCode.OK && placement!.ToJsonString().Contains("\"items\"", StringComparison.Ordinal) ? placement : null;
        }, TimeSpan.FromMilliseconds(250));
        output.WriteLine(regions.ToJsonString());
        await cluster.WaitForConnectorAsync(0, "items", "the late changes applied", i => ClusterHarness.Applied(i) >= 80, TimeSpan.FromSeconds(90));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors/items/pause")).Status);
        await cluster.WaitForConnectorAsync(0, "items", "paused", i => i["state"]?.GetValue<string>() == "paused", TimeSpan.FromSeconds(60));

        await using var sourceConnection = await SourceConnections.OpenAsync(server.ReplicationConnectionString(source.Name));
        await using var duck = await DatabaseVerifier.OpenReadOnlyAsync(destination);
        var verification = await DatabaseVerifier.VerifyAsync(sourceConnection, duck, DiscoveryFilter.FromNames(includeSchemas: [source.Name]));
        Assert.All(verification.Tables, t => Assert.True(t.IsClean, t.ToString()));

        // The events live in Sluice's own PostgreSQL tables, payloads well over 255 bytes included.
        await using var pg = new NpgsqlConnection(journal);
        await pg.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*), MAX(LENGTH(message)) FROM journal WHERE persistence_id LIKE 'connector-%'", pg);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        output.WriteLine($"journal: {reader.GetInt64(0)} connector events, largest {reader.GetInt32(1)} bytes");
        Assert.True(reader.GetInt64(0) > 3);
        Assert.True(reader.GetInt32(1) > 255);
    }
}
