using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Cluster.Tests;

/// <summary>
/// A cluster of <c>sluice serve</c> processes on loopback sharing a journal database on the test MariaDB: configs in a
/// temp folder, free ports, the admin API client, and polling helpers with deadlines.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    public const string ApiKey = "test-key-0123456789";

    private readonly ITestOutputHelper _output;
    private readonly List<NodeProcess?> _nodes = [];
    private readonly List<(int Remote, int Admin)> _ports = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private ClusterHarness(ITestOutputHelper output, string provider, string journal, string directory)
    {
        _output = output;
        Provider = provider;
        JournalConnectionString = journal;
        Directory = directory;
    }

    /// <summary>mariadb, postgresql or sqlite (single node).</summary>
    public string Provider { get; }

    public string JournalConnectionString { get; }

    public string Directory { get; }

    /// <summary>A cluster whose journal is a fresh database on the test MariaDB.</summary>
    public static async Task<ClusterHarness> CreateAsync(MariaDbServer server, ITestOutputHelper output, string name)
    {
        var journal = await server.CreateDatabaseAsync(name + "journal");
        return Create(output, "mariadb", journal.RootConnectionString);
    }

    public static ClusterHarness Create(ITestOutputHelper output, string provider, string journalConnectionString)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-cluster-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        return new ClusterHarness(output, provider, journalConnectionString, directory);
    }

    public NodeProcess Node(int index) => _nodes[index] ?? throw new InvalidOperationException($"node {index} is not running");

    public string AdminUrl(int index) => $"http://127.0.0.1:{_ports[index].Admin}/";

    public string RemoteAddress(int index) => $"akka.tcp://sluice@127.0.0.1:{_ports[index].Remote}";

    public int IndexOf(string address) => Enumerable.Range(0, _ports.Count).FirstOrDefault(i => RemoteAddress(i) == address, -1);

    /// <summary>Adds a node (seeds: the first two nodes) and starts it.</summary>
    public NodeProcess StartNode(int? index = null)
    {
        int i;
        if (index is { } existing)
        {
            i = existing;
        }
        else
        {
            i = _ports.Count;
            _ports.Add((FreePort(), FreePort()));
            _nodes.Add(null);
        }
        var config = new JsonObject
        {
            ["Node"] = new JsonObject
            {
                ["Hostname"] = "127.0.0.1",
                ["Port"] = _ports[i].Remote,
                ["Seeds"] = new JsonArray(_ports.Take(2).Select(p => (JsonNode)$"127.0.0.1:{p.Remote}").ToArray()),
            },
            ["Persistence"] = Provider == "sqlite"
                ? new JsonObject { ["Provider"] = "sqlite", ["StateDirectory"] = Path.Combine(Directory, "state") }
                : new JsonObject { ["Provider"] = Provider, ["ConnectionString"] = JournalConnectionString },
            ["Admin"] = new JsonObject { ["Address"] = "127.0.0.1", ["Port"] = _ports[i].Admin, ["ApiKeys"] = new JsonArray(ApiKey) },
            ["TuningFiles"] = new JsonArray(RepositoryPaths.File("cluster-config/base.hocon")),
        };
        var path = Path.Combine(Directory, $"node{i}.json");
        File.WriteAllText(path, config.ToJsonString());
        var node = NodeProcess.Start(i, path, Path.Combine(Directory, $"node{i}.log"));
        _nodes[i] = node;
        return node;
    }

    public void Forget(int index)
    {
        _nodes[index]?.Dispose();
        _nodes[index] = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // ------------------------------------------------------------------ admin API

    public async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(int node, string path, CancellationToken ct = default)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AdminUrl(node) + path.TrimStart('/'));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            using var response = await _http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }
        catch (HttpRequestException)
        {
            return (0, null);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (HttpStatusCode.RequestTimeout, null);
        }
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, int node, string path, string? json = null, string? apiKey = ApiKey)
    {
        using var request = new HttpRequestMessage(method, AdminUrl(node) + path.TrimStart('/'));
        request.Headers.Authorization = apiKey is null ? null : new AuthenticationHeaderValue("Bearer", apiKey);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Runs <c>sluice ctl --node ... --api-key ... ARGS</c> in-process.</summary>
    public async Task<(int ExitCode, string Output, string Error)> CtlAsync(int node, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        string[] all = ["ctl", "--node", $"127.0.0.1:{_ports[node].Admin}", "--api-key", ApiKey, .. args];
        var code = await SluiceCommandLine.RunAsync(all, output, error);
        _output.WriteLine($"$ sluice {string.Join(' ', all.Select(a => a == ApiKey ? "***" : a))} -> {code}\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value (bounded).</summary>
    public async Task<T> WaitForAsync<T>(string what, TimeSpan timeout, Func<Task<T?>> probe, TimeSpan? interval = null) where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (value is not null) return value;
            if (deadline.Elapsed > timeout)
            {
                var logs = string.Join("\n", _nodes.Where(n => n is not null).Select(n => $"--- node {n!.Index} ---\n{n.Tail(25)}"));
                throw new TimeoutException($"waiting for {what} ({timeout.TotalSeconds:0} s)\n{logs}");
            }
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Waits until node <paramref name="via"/> sees <paramref name="count"/> members up.</summary>
    public Task<JsonNode> WaitForMembersAsync(int via, int count, TimeSpan timeout) =>
        WaitForAsync($"{count} members up", timeout, async () =>
        {
            var (status, body) = await GetAsync(via, "api/cluster/members");
            return status == HttpStatusCode.OK && body!.AsArray().Count(m => m?["status"]?.GetValue<string>() == "up") == count ? body : null;
        }, TimeSpan.FromMilliseconds(250));

    /// <summary>Waits for a connector's info matching <paramref name="condition"/>, asked through node <paramref name="via"/>.</summary>
    public Task<JsonNode> WaitForConnectorAsync(int via, string id, string what, Func<JsonNode, bool> condition, TimeSpan timeout,
        TimeSpan? interval = null) =>
        WaitForAsync($"connector {id}: {what}", timeout, async () =>
        {
            var (status, body) = await GetAsync(via, $"api/connectors/{id}");
            return status == HttpStatusCode.OK && body is not null && condition(body) ? body : null;
        }, interval);

    public static string? Phase(JsonNode info) => info["status"]?["phase"]?.GetValue<string>();

    public static long Applied(JsonNode info) => info["status"]?["rowChangesApplied"]?.GetValue<long>() ?? 0;

    public static string NodeOf(JsonNode info) => info["node"]!.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node is null) continue;
            if (!node.HasExited) node.Kill();
            node.Dispose();
            var errors = File.ReadLines(node.LogPath).Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal)
                || l.Contains("Exception", StringComparison.Ordinal)).Take(20).ToList();
            if (errors.Count > 0) _output.WriteLine($"--- node {node.Index}: errors in its log ---\n" + string.Join('\n', errors));
        }
        _http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        await Task.CompletedTask;
    }
}
