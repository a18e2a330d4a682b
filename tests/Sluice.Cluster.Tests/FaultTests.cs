using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySqlConnector;
using Sluice.Actors.Snapshot;
using Sluice.Replication.Discovery;
using Sluice.Replication.Positions;
using Sluice.Replication.Values;
using Sluice.Replication.Verify;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Cluster.Tests;

/// <summary>
/// Faults through a TCP forwarder: the source going down, the journal store becoming unreachable. Each shows a clear
/// status, recovers by itself once the fault is gone, and loses nothing (the destination verifies clean).
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class FaultTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_source_that_goes_down_shows_in_status_and_the_connector_recovers_by_itself()
    {
        var source = await server.CreateDatabaseAsync("sourcedownsrc");
        await source.ExecuteAsync("CREATE TABLE s (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO s SELECT seq, seq FROM seq_1_to_100;");
        await using var proxy = new TcpProxy(server.Host, server.Port);
        await using var cluster = await ClusterHarness.CreateAsync(server, output, "sourcedown");
        cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 1, TimeSpan.FromSeconds(90));
        var sourceViaProxy = new MySqlConnectionStringBuilder(server.ReplicationConnectionString()) { Port = (uint)proxy.Port, ConnectionTimeout = 3 }.ConnectionString;
        var destination = await CreateAsync(cluster, "s", sourceViaProxy, source.Name);

        await source.ExecuteAsync("INSERT INTO s SELECT seq, seq FROM seq_101_to_150");
        await cluster.WaitForConnectorAsync(0, "s", "changes applied", i => ClusterHarness.Applied(i) >= 50, TimeSpan.FromSeconds(60));

        proxy.Disable();
        await source.ExecuteAsync("INSERT INTO s SELECT seq, seq FROM seq_151_to_220; UPDATE s SET v = -v WHERE id <= 30; DELETE FROM s WHERE id BETWEEN 31 AND 40;");
        var down = await cluster.WaitForConnectorAsync(0, "s", "the outage in status", i => i["lastError"] is not null, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
        output.WriteLine($"while the source is down: state {down["state"]}, phase {ClusterHarness.Phase(down)}, lastError: {down["lastError"]}");

        proxy.Enable();
        await cluster.WaitForConnectorAsync(0, "s", "the outage cleared from status", i => i["lastError"] is null, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        await CaughtUpAndVerifiedAsync(cluster, "s", destination, source.Name);
    }

    [Fact]
    public async Task A_journal_store_that_becomes_unreachable_shows_in_status_and_the_connector_recovers_by_itself()
    {
        var source = await server.CreateDatabaseAsync("journaldownsrc");
        await source.ExecuteAsync("CREATE TABLE j (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO j SELECT seq, seq FROM seq_1_to_100;");
        var journal = await server.CreateDatabaseAsync("journaldownjournal");
        await using var proxy = new TcpProxy(server.Host, server.Port);
        var journalViaProxy = new MySqlConnectionStringBuilder(journal.RootConnectionString) { Port = (uint)proxy.Port, ConnectionTimeout = 3 }.ConnectionString;
        await using var cluster = ClusterHarness.Create(output, "mariadb", journalViaProxy);
        cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 1, TimeSpan.FromSeconds(90));
        var destination = await CreateAsync(cluster, "j", server.ReplicationConnectionString(), source.Name);

        proxy.Disable();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var id = 1000;
            while (!stop.IsCancellationRequested)
            {
                await source.ExecuteAsync($"INSERT INTO j VALUES ({id}, {id}); UPDATE j SET v = v + 1 WHERE id = {id % 100 + 1}");
                id++;
                await Task.Delay(20);
            }
            return id - 1000;
        });
        try
        {
            var down = await cluster.WaitForConnectorAsync(0, "j", "the journal outage in status",
                i => i["lastError"]?.GetValue<string>().StartsWith("journal store unreachable", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60),
                TimeSpan.FromMilliseconds(250));
            output.WriteLine($"while the journal is unreachable: state {down["state"]}, lastError: {down["lastError"]}");
            var health = await cluster.SendAsync(HttpMethod.Get, 0, "health", apiKey: null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
            proxy.Enable();
            await cluster.WaitForConnectorAsync(0, "j", "running again", i => i["lastError"] is null && ClusterHarness.Phase(i) == "streaming",
                TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(250));
        }
        finally
        {
            await stop.CancelAsync();
        }
        output.WriteLine($"{await writer} rows inserted during the outage and recovery");
        await CaughtUpAndVerifiedAsync(cluster, "j", destination, source.Name);
    }

    [Fact]
    public async Task A_destination_that_refuses_writes_shows_in_status_and_the_connector_recovers_by_itself()
    {
        var source = await server.CreateDatabaseAsync("destdownsrc");
        await source.ExecuteAsync("CREATE TABLE d (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO d SELECT seq, seq FROM seq_1_to_100;");
        await using var cluster = await ClusterHarness.CreateAsync(server, output, "destdown");
        cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 1, TimeSpan.FromSeconds(90));
        var destination = await CreateAsync(cluster, "d", server.ReplicationConnectionString(), source.Name);
        Assert.Equal(HttpStatusCode.OK, (await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors/d/pause")).Status);
        await cluster.WaitForConnectorAsync(0, "d", "paused", i => i["state"]?.GetValue<string>() == "paused", TimeSpan.FromSeconds(60));

        // Another writer holds the DuckDB file (DuckDB allows one writing process): the destination refuses the connector.
        var holder = new DuckDB.NET.Data.DuckDBConnection($"Data Source={destination}");
        await holder.OpenAsync();
        try
        {
            await using (var command = holder.CreateCommand())
            {
                command.CommandText = "CREATE TABLE IF NOT EXISTS other_writer (x INT)";
                await command.ExecuteNonQueryAsync();
            }
            Assert.Equal(HttpStatusCode.OK, (await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors/d/resume")).Status);
            await source.ExecuteAsync("INSERT INTO d SELECT seq, seq FROM seq_101_to_180; UPDATE d SET v = 0 WHERE id <= 10; DELETE FROM d WHERE id BETWEEN 11 AND 15;");
            var refused = await cluster.WaitForConnectorAsync(0, "d", "the refusal in status", i => i["lastError"] is not null, TimeSpan.FromSeconds(60),
                TimeSpan.FromMilliseconds(250));
            output.WriteLine($"while the destination refuses: state {refused["state"]}, phase {ClusterHarness.Phase(refused)}, lastError: {refused["lastError"]}");
        }
        finally
        {
            await holder.DisposeAsync();
        }
        await cluster.WaitForConnectorAsync(0, "d", "streaming again", i => i["lastError"] is null && ClusterHarness.Phase(i) == "streaming",
            TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
        await CaughtUpAndVerifiedAsync(cluster, "d", destination, source.Name);
    }

    private static async Task<string> CreateAsync(ClusterHarness cluster, string id, string sourceConnectionString, string schema)
    {
        var destination = Path.Combine(cluster.Directory, id + ".duckdb");
        var body = JsonSerializer.Serialize(new
        {
            id,
            sourceConnectionString,
            destinationPath = destination,
            includeSchemas = new[] { schema },
            killZombieConnections = false,
        });
        var (status, answer) = await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors", body);
        Assert.True(status == HttpStatusCode.Created, answer?.ToJsonString());
        await cluster.WaitForConnectorAsync(0, id, "streaming", i => ClusterHarness.Phase(i) == "streaming", TimeSpan.FromSeconds(90));
        return destination;
    }

    private async Task CaughtUpAndVerifiedAsync(ClusterHarness cluster, string id, string destination, string schema)
    {
        string target;
        await using (var connection = new MySqlConnection(server.RootConnectionString()))
        {
            await connection.OpenAsync();
            target = await SourcePositions.ReadCurrentAsync(connection, CancellationToken.None);
        }
        var caughtUp = await cluster.WaitForConnectorAsync(0, id, "caught up with " + target,
            i => i["status"]?["position"]?.GetValue<string>() is { } p && BinlogPositionComparer.Instance.Compare(p, target) >= 0,
            TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(250));
        output.WriteLine($"recovered: state {caughtUp["state"]}, phase {ClusterHarness.Phase(caughtUp)}, lastError: {caughtUp["lastError"]}");
        Assert.Equal(HttpStatusCode.OK, (await cluster.SendAsync(HttpMethod.Post, 0, $"api/connectors/{id}/pause")).Status);
        await cluster.WaitForConnectorAsync(0, id, "paused", i => i["state"]?.GetValue<string>() == "paused", TimeSpan.FromSeconds(60));
        await using var sourceConnection = await SourceConnections.OpenAsync(server.ReplicationConnectionString(schema));
        await using var duck = await DatabaseVerifier.OpenReadOnlyAsync(destination);
        var verification = await DatabaseVerifier.VerifyAsync(sourceConnection, duck, DiscoveryFilter.FromNames(includeSchemas: [schema]));
        foreach (var table in verification.Tables) output.WriteLine($"{table.Table}: source {table.SourceRows}, destination {table.DestinationLiveRows}, clean {table.IsClean}");
        Assert.All(verification.Tables, t => Assert.True(t.IsClean, t.ToString()));
    }
}
