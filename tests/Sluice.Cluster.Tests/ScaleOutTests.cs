using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Cluster.Tests;

/// <summary>Twelve connectors on three nodes spread over all three; a fourth node joins and receives shards.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class ScaleOutTests(MariaDbServer server, ITestOutputHelper output)
{
    private const int Connectors = 12;

    [Fact]
    public async Task Twelve_connectors_spread_over_three_nodes_and_a_fourth_node_receives_shards()
    {
        var source = await server.CreateDatabaseAsync("scaleoutsrc");
        for (var i = 0; i < Connectors; i++)
        {
            await source.ExecuteAsync($"CREATE TABLE t{i} (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO t{i} SELECT seq, seq FROM seq_1_to_20;");
        }
        await using var cluster = await ClusterHarness.CreateAsync(server, output, "scaleout");
        for (var i = 0; i < 3; i++) cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 3, TimeSpan.FromSeconds(90));

        for (var i = 0; i < Connectors; i++)
        {
            var body = JsonSerializer.Serialize(new
            {
                id = $"c{i:00}",
                sourceConnectionString = server.ReplicationConnectionString(),
                destinationPath = Path.Combine(cluster.Directory, $"c{i:00}.duckdb"),
                includeTables = new[] { $"{source.Name}.t{i}" },
                killZombieConnections = false,
            });
            var (status, answer) = await cluster.SendAsync(HttpMethod.Post, i % 3, "api/connectors", body);
            Assert.True(status == HttpStatusCode.Created, answer?.ToJsonString());
        }
        await WaitAllStreamingAsync(cluster, 0);
        var placement = await PlacementAsync(cluster, 0, 3);
        output.WriteLine("three nodes: " + Describe(placement));
        Assert.Equal(3, placement.Count(p => p.Value.Count > 0));
        Assert.Equal(Connectors, placement.Sum(p => p.Value.Count));

        // A fourth node joins: shards move to it (each connector stops cleanly on the old node first).
        cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 4, TimeSpan.FromSeconds(90));
        var fourth = cluster.RemoteAddress(3);
        await cluster.WaitForAsync("the fourth node hosting connectors", TimeSpan.FromSeconds(120), async () =>
        {
            var p = await PlacementAsync(cluster, 0, 4);
            return p.TryGetValue(fourth, out var hosted) && hosted.Count > 0 ? p : null;
        }, TimeSpan.FromMilliseconds(500));
        await WaitAllStreamingAsync(cluster, 1);
        placement = await PlacementAsync(cluster, 0, 4);
        output.WriteLine("four nodes: " + Describe(placement));
        Assert.True(placement[fourth].Count > 0);
        Assert.Equal(Connectors, placement.Sum(p => p.Value.Count));

        // Every connector still replicates.
        for (var i = 0; i < Connectors; i++) await source.ExecuteAsync($"INSERT INTO t{i} VALUES (1000, 1000)");
        for (var i = 0; i < Connectors; i++)
        {
            await cluster.WaitForConnectorAsync(2, $"c{i:00}", "the new row applied", c => ClusterHarness.Applied(c) > 0, TimeSpan.FromSeconds(60));
        }

        // 'sluice ctl cluster leave' asks the fourth node to leave: it hands its connectors back and its process exits.
        var (code, _, error) = await cluster.CtlAsync(0, "cluster", "leave", fourth);
        Assert.True(code == 0, error);
        Assert.True(await cluster.Node(3).WaitForExitAsync(TimeSpan.FromSeconds(60)), "the node asked to leave did not exit");
        await WaitAllStreamingAsync(cluster, 0);
        placement = await PlacementAsync(cluster, 0, 3);
        output.WriteLine("after the leave: " + Describe(placement));
        Assert.Equal(Connectors, placement.Sum(p => p.Value.Count));
    }

    private static Task WaitAllStreamingAsync(ClusterHarness cluster, int via) =>
        cluster.WaitForAsync("every connector streaming", TimeSpan.FromSeconds(180), async () =>
        {
            var (status, list) = await cluster.GetAsync(via, "api/connectors");
            return status == HttpStatusCode.OK && list!.AsArray().Count == Connectors
                && list.AsArray().All(c => ClusterHarness.Phase(c!) == "streaming") ? list : null;
        }, TimeSpan.FromMilliseconds(500));

    private static async Task<Dictionary<string, List<string>>> PlacementAsync(ClusterHarness cluster, int via, int nodes)
    {
        var regions = await cluster.WaitForAsync("shard placement", TimeSpan.FromSeconds(30), async () =>
        {
            var (status, body) = await cluster.GetAsync(via, "api/sharding/regions");
            return status == HttpStatusCode.OK && body!.AsArray().Count == nodes && body.AsArray().All(r => r!["error"] is null) ? body : null;
        });
        return regions.AsArray().ToDictionary(r => r!["node"]!.GetValue<string>(),
            r => r!["shards"]!.AsArray().SelectMany(s => s!["connectors"]!.AsArray().Select(c => c!.GetValue<string>())).ToList());
    }

    private static string Describe(Dictionary<string, List<string>> placement) =>
        string.Join("; ", placement.Select(p => $"{p.Key.Split('@')[1]}: {string.Join(",", p.Value)}"));
}
