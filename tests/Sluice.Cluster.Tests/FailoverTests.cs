using System.Diagnostics;
using System.Net;
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
/// Three <c>sluice serve</c> processes on loopback sharing a MariaDB journal; a connector created through <c>sluice
/// ctl</c>; writes to the source without pause; the node hosting the connector killed with SIGKILL, then (after it
/// rejoined) the new host stopped with SIGTERM. The connector resumes each time on another node, and once the writes
/// stop the destination verifies against the source with no key duplicated. The times from the kill/stop to the first
/// change applied by the new node are printed (targets: under 15 s and under 3 s); only a generous bound is asserted.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class FailoverTests(MariaDbServer server, ITestOutputHelper output)
{
    private const string Id = "orders";

    [Fact]
    public async Task Connector_fails_over_on_sigkill_and_hands_over_on_sigterm_without_losing_or_duplicating_changes()
    {
        var source = await server.CreateDatabaseAsync("failoversrc");
        await source.ExecuteAsync("""
            CREATE TABLE orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer INT NOT NULL, amount DECIMAL(12,2) NOT NULL, note VARCHAR(200) NULL);
            INSERT INTO orders (customer, amount, note) SELECT seq % 97, seq * 1.25, CONCAT('seed ', seq) FROM seq_1_to_300;
            """);
        await using var cluster = await ClusterHarness.CreateAsync(server, output, "failover");
        for (var i = 0; i < 3; i++) cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 3, TimeSpan.FromSeconds(90));

        var destination = Path.Combine(cluster.Directory, "orders.duckdb");
        var definition = Path.Combine(cluster.Directory, "orders.json");
        await File.WriteAllTextAsync(definition, System.Text.Json.JsonSerializer.Serialize(new
        {
            id = Id,
            sourceConnectionString = server.ReplicationConnectionString(),
            destinationPath = destination,
            includeSchemas = new[] { source.Name },
            chunkSize = 100,
            killZombieConnections = false,
        }));
        var (code, _, error) = await cluster.CtlAsync(1, "connector", "create", "-f", definition);
        Assert.True(code == 0, error);
        var info = await cluster.WaitForConnectorAsync(0, Id, "streaming", i => ClusterHarness.Phase(i) == "streaming", TimeSpan.FromSeconds(90));

        using var stopWrites = new CancellationTokenSource();
        var writer = WriteWithoutPauseAsync(source.RootConnectionString, stopWrites.Token);
        try
        {
            // ---- SIGKILL the node hosting the connector
            var killed = cluster.IndexOf(ClusterHarness.NodeOf(info));
            Assert.True(killed >= 0, "unknown node " + ClusterHarness.NodeOf(info));
            await cluster.WaitForConnectorAsync(killed, Id, "changes applied before the kill", i => ClusterHarness.Applied(i) > 20, TimeSpan.FromSeconds(60));
            var survivor = (killed + 1) % 3;
            var clock = Stopwatch.StartNew();
            cluster.Node(killed).Kill();
            var after = await cluster.WaitForConnectorAsync(survivor, Id, "a change applied by another node",
                i => ClusterHarness.NodeOf(i) != cluster.RemoteAddress(killed) && ClusterHarness.Applied(i) > 0, TimeSpan.FromSeconds(90));
            var killFailover = clock.Elapsed;
            output.WriteLine($"FAILOVER after SIGKILL: {killFailover.TotalSeconds:0.0} s from the kill to the first change applied by {ClusterHarness.NodeOf(after)} (target < 15 s)");
            Assert.True(killFailover < TimeSpan.FromSeconds(60), $"failover took {killFailover}");

            // The killed node comes back (same address, new incarnation) and rejoins.
            cluster.Forget(killed);
            cluster.StartNode(killed);
            await cluster.WaitForMembersAsync(survivor, 3, TimeSpan.FromSeconds(90));

            // ---- SIGTERM the node hosting it now: a graceful leave hands the connector over.
            var host = cluster.IndexOf(ClusterHarness.NodeOf(after));
            await cluster.WaitForConnectorAsync(host, Id, "streaming before the stop", i => ClusterHarness.Phase(i) == "streaming" && ClusterHarness.Applied(i) > 0,
                TimeSpan.FromSeconds(60));
            var other = Enumerable.Range(0, 3).First(i => i != host);
            clock.Restart();
            cluster.Node(host).Terminate();
            var handed = await cluster.WaitForConnectorAsync(other, Id, "a change applied after the hand-over",
                i => ClusterHarness.NodeOf(i) != cluster.RemoteAddress(host) && ClusterHarness.Applied(i) > 0, TimeSpan.FromSeconds(60),
                TimeSpan.FromMilliseconds(50));
            var handover = clock.Elapsed;
            output.WriteLine($"HAND-OVER after SIGTERM: {handover.TotalSeconds:0.0} s from the signal to the first change applied by {ClusterHarness.NodeOf(handed)} (target < 3 s)");
            Assert.True(handover < TimeSpan.FromSeconds(30), $"hand-over took {handover}");
            Assert.True(await cluster.Node(host).WaitForExitAsync(TimeSpan.FromSeconds(60)), "the SIGTERMed node did not exit");
        }
        finally
        {
            await stopWrites.CancelAsync();
        }
        var written = await writer;
        output.WriteLine($"{written} source transactions written during the test");

        // ---- caught up, paused (the destination is closed), verified.
        string target;
        await using (var connection = new MySqlConnection(server.RootConnectionString()))
        {
            await connection.OpenAsync();
            target = await SourcePositions.ReadCurrentAsync(connection, CancellationToken.None);
        }
        var via = Enumerable.Range(0, 3).First(i => !cluster.Node(i).HasExited);
        await cluster.WaitForConnectorAsync(via, Id, "caught up with " + target,
            i => i["status"]?["position"]?.GetValue<string>() is { } p && BinlogPositionComparer.Instance.Compare(p, target) >= 0, TimeSpan.FromSeconds(90));
        Assert.Equal(0, (await cluster.CtlAsync(via, "connector", "pause", Id)).ExitCode);
        await cluster.WaitForConnectorAsync(via, Id, "paused", i => i["state"]?.GetValue<string>() == "paused", TimeSpan.FromSeconds(60));

        await using var sourceConnection = await SourceConnections.OpenAsync(server.ReplicationConnectionString(source.Name));
        await using var duck = await DatabaseVerifier.OpenReadOnlyAsync(destination);
        var verification = await DatabaseVerifier.VerifyAsync(sourceConnection, duck, DiscoveryFilter.FromNames(includeSchemas: [source.Name]));
        foreach (var table in verification.Tables) output.WriteLine(table.ToString());
        Assert.All(verification.Tables, t => Assert.True(t.IsClean, t.ToString()));
        Assert.All(verification.Tables, t => Assert.Equal(0, t.DuplicateCount));
    }

    /// <summary>Inserts, updates and deletes (one short transaction each) until cancelled; returns the number written.</summary>
    private static async Task<int> WriteWithoutPauseAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var random = new Random(5);
        var count = 0;
        while (!ct.IsCancellationRequested)
        {
            var sql = (count % 5) switch
            {
                0 or 1 or 2 => $"INSERT INTO orders (customer, amount, note) VALUES ({random.Next(100)}, {random.Next(1, 10_000)}.50, 'live {count}')",
                3 => $"UPDATE orders SET amount = amount + 1, note = 'updated {count}' WHERE id = {random.Next(1, 300 + count / 2)}",
                _ => $"DELETE FROM orders WHERE id = {random.Next(1, 300 + count / 2)}",
            };
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
            count++;
            // Continuous, at a rate two shared cores sustain alongside three nodes (a few hundred transactions a second).
            if (count % 10 == 0) await Task.Delay(20, CancellationToken.None);
        }
        return count;
    }
}
