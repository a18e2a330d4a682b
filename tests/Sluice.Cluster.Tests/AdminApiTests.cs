using System.Net;
using System.Text.Json;
using Sluice.Cli.Cluster;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Cluster.Tests;

/// <summary>
/// The admin API and <c>sluice ctl</c> against one node (the single-node default: SQLite state): API keys, 400s naming
/// the field, the OpenAPI document, connector lifecycle, passwords never returned nor logged, ctl exit codes.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class AdminApiTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Admin_api_and_ctl_manage_connectors_with_keys_clear_errors_and_no_password_leaks()
    {
        var source = await server.CreateDatabaseAsync("adminsrc");
        await source.ExecuteAsync("""
            CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO a SELECT seq, CONCAT('a', seq) FROM seq_1_to_50;
            CREATE TABLE b (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO b SELECT seq, CONCAT('b', seq) FROM seq_1_to_30;
            """);
        await using var cluster = ClusterHarness.Create(output, "sqlite", "");
        cluster.StartNode();
        await cluster.WaitForMembersAsync(0, 1, TimeSpan.FromSeconds(90));

        // ---- API keys
        var (status, body) = await cluster.SendAsync(HttpMethod.Get, 0, "api/connectors", apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("unauthorized", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        const string wrongKey = "wrong-key-that-must-not-be-logged";
        Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.SendAsync(HttpMethod.Get, 0, "api/connectors", apiKey: wrongKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await cluster.SendAsync(HttpMethod.Get, 0, "health", apiKey: null)).Status);

        // ---- OpenAPI
        (status, body) = await cluster.SendAsync(HttpMethod.Get, 0, "openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body!["paths"]!["/api/connectors/{id}/resync"]);
        Assert.NotNull(body["paths"]!["/api/sharding/regions"]);

        // ---- 400s name the field
        var password = server.ReplicationPassword;
        string Definition(object? extra = null, string id = "shop")
        {
            var node = JsonSerializer.SerializeToNode(new
            {
                id,
                sourceConnectionString = server.ReplicationConnectionString(),
                destinationPath = Path.Combine(cluster.Directory, id + ".duckdb"),
                includeSchemas = new[] { source.Name },
                killZombieConnections = false,
            })!.AsObject();
            if (extra is not null) foreach (var p in JsonSerializer.SerializeToNode(extra)!.AsObject()) node[p.Key] = p.Value?.DeepClone();
            return node.ToJsonString();
        }
        (status, body) = await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors", Definition(new { chunkSize = "many" }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("chunkSize:", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        (status, body) = await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors", Definition(new { chunkSze = 5 }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("chunkSze", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        (status, body) = await cluster.SendAsync(HttpMethod.Post, 0, "api/connectors", Definition(new { destinationPath = "", maxParallelSnapshots = 0 }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'destinationPath' is required", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("'parallelSnapshots' must be an integer from 1 to 64 (got 0)", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        (status, body) = await cluster.SendAsync(HttpMethod.Get, 0, "api/connectors/bad%20id");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("'id'", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        (status, body) = await cluster.SendAsync(HttpMethod.Post, 0, "api/cluster/leave", "{\"address\":\"nonsense\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("address:", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // ---- create through ctl; a second create conflicts (exit 4); unknown connector (exit 3)
        var file = Path.Combine(cluster.Directory, "shop.json");
        await File.WriteAllTextAsync(file, Definition());
        Assert.Equal(CtlExitCodes.Ok, (await cluster.CtlAsync(0, "connector", "create", "-f", file)).ExitCode);
        Assert.Equal(CtlExitCodes.Conflict, (await cluster.CtlAsync(0, "connector", "create", "-f", file)).ExitCode);
        Assert.Equal(CtlExitCodes.NotFound, (await cluster.CtlAsync(0, "connector", "show", "nope")).ExitCode);
        var info = await cluster.WaitForConnectorAsync(0, "shop", "streaming", i => ClusterHarness.Phase(i) == "streaming", TimeSpan.FromSeconds(90));
        Assert.DoesNotContain(password, info.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("***", info["definition"]!["sourceConnectionString"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, info["status"]!["tables"]!.AsArray().Count);

        var (code, text, _) = await cluster.CtlAsync(0, "--format", "json", "connector", "list");
        Assert.Equal(0, code);
        Assert.Equal("shop", JsonDocument.Parse(text).RootElement[0].GetProperty("connectorId").GetString());
        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        (code, text, _) = await cluster.CtlAsync(0, "connector", "show", "shop");
        Assert.Equal(0, code);
        Assert.Contains(source.Name + ".a", text, StringComparison.Ordinal);
        (code, text, _) = await cluster.CtlAsync(0, "connector", "watch", "shop", "--count", "2", "--interval", "0.2");
        Assert.Equal(0, code);
        Assert.Contains("streaming", text, StringComparison.Ordinal);
        Assert.Equal(0, (await cluster.CtlAsync(0, "cluster", "show")).ExitCode);
        (code, text, _) = await cluster.CtlAsync(0, "sharding", "regions");
        Assert.Equal(0, code);
        Assert.Contains("shop", text, StringComparison.Ordinal);
        Assert.Equal(0, (await cluster.CtlAsync(0, "sharding", "stats")).ExitCode);

        // ---- resync one table, then everything
        Assert.Equal(CtlExitCodes.NotFound, (await cluster.CtlAsync(0, "connector", "resync", "shop", "--table", source.Name + ".zzz")).ExitCode);
        Assert.Equal(0, (await cluster.CtlAsync(0, "connector", "resync", "shop", "--table", source.Name + ".b")).ExitCode);
        await cluster.WaitForConnectorAsync(0, "shop", "b re-synced", i =>
            i["status"]!["events"]!.AsArray().Any(e => e!.GetValue<string>().Contains("forced_resync_table " + source.Name + ".b", StringComparison.Ordinal))
            && AllStreaming(i), TimeSpan.FromSeconds(60));
        Assert.Equal(0, (await cluster.CtlAsync(0, "connector", "resync", "shop")).ExitCode);
        await cluster.WaitForConnectorAsync(0, "shop", "every table re-synced", i =>
            i["status"]!["events"]!.AsArray().Count(e => e!.GetValue<string>().Contains("forced_resync_table", StringComparison.Ordinal)) >= 3
            && AllStreaming(i), TimeSpan.FromSeconds(60));

        // ---- pause, resume, update, delete, re-create
        Assert.Equal(0, (await cluster.CtlAsync(0, "connector", "pause", "shop")).ExitCode);
        await cluster.WaitForConnectorAsync(0, "shop", "paused", i => i["state"]!.GetValue<string>() == "paused", TimeSpan.FromSeconds(30));
        Assert.Equal(CtlExitCodes.Conflict, (await cluster.CtlAsync(0, "connector", "resync", "shop")).ExitCode);
        Assert.Equal(0, (await cluster.CtlAsync(0, "connector", "resume", "shop")).ExitCode);
        await cluster.WaitForConnectorAsync(0, "shop", "resumed", i => ClusterHarness.Phase(i) == "streaming", TimeSpan.FromSeconds(60));
        (status, _) = await cluster.SendAsync(HttpMethod.Put, 0, "api/connectors/shop", Definition(new { chunkSize = 7 }));
        Assert.Equal(HttpStatusCode.OK, status);
        info = await cluster.WaitForConnectorAsync(0, "shop", "updated", i => i["definition"]!["chunkSize"]!.GetValue<int>() == 7 && ClusterHarness.Phase(i) == "streaming",
            TimeSpan.FromSeconds(60));
        Assert.Equal(0, (await cluster.CtlAsync(0, "connector", "delete", "shop")).ExitCode);
        await cluster.WaitForAsync("deleted", TimeSpan.FromSeconds(30), async () =>
            (await cluster.GetAsync(0, "api/connectors/shop")).Status == HttpStatusCode.NotFound ? "gone" : null);
        Assert.Equal(0, (await cluster.CtlAsync(0, "connector", "create", "-f", file)).ExitCode);
        info = await cluster.WaitForConnectorAsync(0, "shop", "re-created", i => ClusterHarness.Phase(i) == "streaming", TimeSpan.FromSeconds(60));
        Assert.Equal("shop.2", info["runId"]!.GetValue<string>());

        // ---- ctl against a wrong key or a dead node
        var (wrongCode, _, _) = await CtlWithAsync(cluster.AdminUrl(0), "wrong", "connector", "list");
        Assert.Equal(CtlExitCodes.Unauthorized, wrongCode);
        var (deadCode, _, _) = await CtlWithAsync("127.0.0.1:1", ClusterHarness.ApiKey, "connector", "list");
        Assert.Equal(CtlExitCodes.Unreachable, deadCode);

        // ---- nothing secret in the node's log
        var log = await File.ReadAllTextAsync(cluster.Node(0).LogPath);
        Assert.Contains("refused (401)", log, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain(ClusterHarness.ApiKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain(password, log, StringComparison.Ordinal);
    }

    private static bool AllStreaming(System.Text.Json.Nodes.JsonNode info) =>
        ClusterHarness.Phase(info) == "streaming" && info["status"]!["tables"]!.AsArray().All(t => t!["state"]!.GetValue<string>() == "streaming");

    private static async Task<(int, string, string)> CtlWithAsync(string node, string key, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Sluice.Cli.SluiceCommandLine.RunAsync(["ctl", "--node", node, "--api-key", key, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
