using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Cli.Cluster;

/// <summary>
/// <c>sluice ctl [--node HOST:PORT] [--api-key KEY] [--format table|json] PALETTE COMMAND</c>, in the manner of
/// Petabridge.Cmd's pbm: palettes <c>cluster</c>, <c>sharding</c> and <c>connector</c>, over a node's admin API.
/// </summary>
public static class CtlCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private sealed record Globals(Option<string> Node, Option<string?> ApiKey, Option<string> Format);

    public static Command Build(TextWriter output, TextWriter error)
    {
        var globals = new Globals(
            new Option<string>("--node")
            {
                Description = "The admin API of any node, HOST:PORT (default: $SLUICE_NODE or 127.0.0.1:5080)",
                Recursive = true,
                DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLUICE_NODE") is { Length: > 0 } n ? n : "127.0.0.1:5080",
            },
            new Option<string?>("--api-key")
            {
                Description = "An API key of the node (default: $SLUICE_API_KEY)",
                Recursive = true,
                DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLUICE_API_KEY"),
            },
            new Option<string>("--format")
            {
                Description = "table (for people) or json (for scripts)",
                Recursive = true,
                DefaultValueFactory = _ => "table",
            }.AcceptOnlyFromAmong("table", "json"));
        var ctl = new Command("ctl", "Operate a Sluice cluster through a node's admin API. Exit codes: 0 ok, 1 failure, 2 bad usage/request, 3 not found, 4 conflict, 5 unauthorized, 6 node unreachable, 7 unavailable.")
        {
            globals.Node, globals.ApiKey, globals.Format,
        };
        ctl.Subcommands.Add(ClusterPalette(globals, output));
        ctl.Subcommands.Add(ShardingPalette(globals, output));
        ctl.Subcommands.Add(ConnectorPalette(globals, output));
        return ctl;
    }

    private static void Run(Command command, Globals g, TextWriter output, Func<AdminClient, ParseResult, bool, CancellationToken, Task> action) =>
        command.SetAction(async (parse, ct) =>
        {
            using var client = new AdminClient(parse.GetValue(g.Node)!, parse.GetValue(g.ApiKey));
            await action(client, parse, parse.GetValue(g.Format) == "json", ct);
            await output.FlushAsync(ct);
            return CtlExitCodes.Ok;
        });

    private static void Json(TextWriter output, JsonNode? node) => output.WriteLine(node?.ToJsonString(Indented) ?? "null");

    private static string? S(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?[name]?.ToJsonString();

    // ------------------------------------------------------------------ cluster

    private static Command ClusterPalette(Globals g, TextWriter output)
    {
        var palette = new Command("cluster", "Cluster membership.");
        var show = new Command("show", "The members: address, status, reachability, leader, roles.");
        Run(show, g, output, async (client, _, json, ct) =>
        {
            var members = await client.GetAsync("api/cluster/members", ct);
            if (json)
            {
                Json(output, members);
                return;
            }
            var table = new TextTable("ADDRESS", "STATUS", "REACHABLE", "LEADER", "SELF", "ROLES");
            foreach (var m in members?.AsArray() ?? [])
            {
                table.Add(S(m, "address"), S(m, "status"), Flag(m, "reachable"), Flag(m, "isLeader"), Flag(m, "isSelf"),
                    string.Join(",", m?["roles"]?.AsArray().Select(r => r?.GetValue<string>()) ?? []));
            }
            table.Write(output);
        });
        palette.Subcommands.Add(show);
        foreach (var (name, description) in new[]
                 {
                     ("leave", "Ask a member to leave gracefully (its connectors are handed over)."),
                     ("down", "Mark a member down (a node known dead): its connectors restart elsewhere."),
                 })
        {
            var address = new Argument<string>("address") { Description = "The member's address, akka.tcp://sluice@host:port" };
            var command = new Command(name, description) { address };
            Run(command, g, output, async (client, parse, json, ct) =>
            {
                var body = JsonSerializer.Serialize(new { address = parse.GetValue(address) });
                var result = await client.PostAsync($"api/cluster/{name}", body, ct);
                if (json) Json(output, result);
                else output.WriteLine($"{name}: {S(result, "address")}");
            });
            palette.Subcommands.Add(command);
        }
        return palette;
    }

    private static string Flag(JsonNode? node, string name) => node?[name]?.GetValue<bool>() == true ? "yes" : "no";

    // ------------------------------------------------------------------ sharding

    private static Command ShardingPalette(Globals g, TextWriter output)
    {
        var palette = new Command("sharding", "Shard placement of the connectors.");
        var regions = new Command("regions", "Every node's shards and the connectors in them.");
        Run(regions, g, output, async (client, _, json, ct) =>
        {
            var result = await client.GetAsync("api/sharding/regions", ct);
            if (json)
            {
                Json(output, result);
                return;
            }
            var table = new TextTable("NODE", "SHARD", "CONNECTORS");
            foreach (var region in result?.AsArray() ?? [])
            {
                var shards = region?["shards"]?.AsArray() ?? [];
                if (shards.Count == 0) table.Add(S(region, "node"), "-", S(region, "error") ?? "(none)");
                foreach (var shard in shards)
                {
                    table.Add(S(region, "node"), S(shard, "shardId"), string.Join(",", shard?["connectors"]?.AsArray().Select(c => c?.GetValue<string>()) ?? []));
                }
            }
            table.Write(output);
        });
        var stats = new Command("stats", "Shards and connectors per node.");
        Run(stats, g, output, async (client, _, json, ct) =>
        {
            var result = await client.GetAsync("api/sharding/stats", ct);
            if (json)
            {
                Json(output, result);
                return;
            }
            var table = new TextTable("NODE", "SHARDS", "CONNECTORS");
            foreach (var region in result?.AsArray() ?? []) table.Add(S(region, "node"), S(region, "shards"), S(region, "connectors"));
            table.Write(output);
        });
        palette.Subcommands.Add(regions);
        palette.Subcommands.Add(stats);
        return palette;
    }

    // ------------------------------------------------------------------ connector

    private static Command ConnectorPalette(Globals g, TextWriter output)
    {
        var palette = new Command("connector", "Connectors: list, show, create, update, pause, resume, resync, delete, watch.");

        var list = new Command("list", "Every connector: state, node, phase, position, lag.");
        Run(list, g, output, async (client, _, json, ct) =>
        {
            var result = await client.GetAsync("api/connectors", ct);
            if (json)
            {
                Json(output, result);
                return;
            }
            var table = new TextTable("ID", "STATE", "PHASE", "NODE", "TABLES", "LAG", "POSITION", "LAST ERROR");
            foreach (var c in result?.AsArray() ?? [])
            {
                var status = c?["status"];
                table.Add(S(c, "connectorId"), S(c, "state"), S(status, "phase"), S(c, "node"), status?["tables"]?.AsArray().Count,
                    S(status, "lag"), Short(S(status, "position"), 40), Short(S(c, "lastError"), 60));
            }
            table.Write(output);
        });
        palette.Subcommands.Add(list);

        var showId = IdArgument();
        var show = new Command("show", "One connector: definition (password hidden), state, tables, position, lag, events.") { showId };
        Run(show, g, output, async (client, parse, json, ct) =>
        {
            var info = await client.GetAsync($"api/connectors/{Uri.EscapeDataString(parse.GetValue(showId)!)}", ct);
            if (json) Json(output, info);
            else WriteConnector(output, info, events: true);
        });
        palette.Subcommands.Add(show);

        foreach (var (name, isCreate) in new[] { ("create", true), ("update", false) })
        {
            var file = new Option<string>("--file", "-f") { Description = "The connector definition (JSON)", Required = true };
            var id = new Argument<string?>("id") { Description = "The connector to update (default: the file's id)", Arity = ArgumentArity.ZeroOrOne };
            var command = new Command(name, isCreate ? "Create a connector from a JSON definition." : "Update a connector from a JSON definition.") { file };
            if (!isCreate) command.Arguments.Add(id);
            Run(command, g, output, async (client, parse, json, ct) =>
            {
                var path = parse.GetValue(file)!;
                if (!File.Exists(path)) throw new CliError($"--file: {path} does not exist", CtlExitCodes.Usage);
                var text = await File.ReadAllTextAsync(path, ct);
                JsonNode? definition;
                try
                {
                    definition = JsonNode.Parse(text);
                }
                catch (JsonException ex)
                {
                    throw new CliError($"--file: {path} is not JSON: {ex.Message}", CtlExitCodes.Usage);
                }
                var target = isCreate ? null : parse.GetValue(id) ?? S(definition, "id");
                if (!isCreate && target is null) throw new CliError("update: give the connector id (or an 'id' in the file)", CtlExitCodes.Usage);
                var result = isCreate
                    ? await client.PostAsync("api/connectors", text, ct)
                    : await client.PutAsync($"api/connectors/{Uri.EscapeDataString(target!)}", text, ct);
                if (json) Json(output, result);
                else output.WriteLine(S(result, "message"));
            });
            palette.Subcommands.Add(command);
        }

        foreach (var (name, description) in new[]
                 {
                     ("pause", "Stop a connector cleanly and keep it stopped until resumed."),
                     ("resume", "Resume a paused connector."),
                     ("delete", "Delete a connector (its destination file is kept)."),
                 })
        {
            var id = IdArgument();
            var command = new Command(name, description) { id };
            Run(command, g, output, async (client, parse, json, ct) =>
            {
                var path = $"api/connectors/{Uri.EscapeDataString(parse.GetValue(id)!)}";
                var result = name == "delete" ? await client.DeleteAsync(path, ct) : await client.PostAsync($"{path}/{name}", null, ct);
                if (json) Json(output, result);
                else output.WriteLine(S(result, "message"));
            });
            palette.Subcommands.Add(command);
        }

        var resyncId = IdArgument();
        var resyncTable = new Option<string?>("--table") { Description = "Only this table (SCHEMA.TABLE)" };
        var resync = new Command("resync", "Copy every table of a connector again, or one table.") { resyncId, resyncTable };
        Run(resync, g, output, async (client, parse, json, ct) =>
        {
            var path = $"api/connectors/{Uri.EscapeDataString(parse.GetValue(resyncId)!)}/resync";
            if (parse.GetValue(resyncTable) is { } t) path += "?table=" + Uri.EscapeDataString(t);
            var result = await client.PostAsync(path, null, ct);
            if (json) Json(output, result);
            else output.WriteLine(S(result, "message"));
        });
        palette.Subcommands.Add(resync);

        var watchId = IdArgument();
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 1.0 };
        var count = new Option<int?>("--count") { Description = "Stop after N refreshes (default: until Ctrl+C)" };
        var watch = new Command("watch", "A live progress view of one connector (Ctrl+C ends it).") { watchId, interval, count };
        Run(watch, g, output, async (client, parse, json, ct) =>
        {
            var path = $"api/connectors/{Uri.EscapeDataString(parse.GetValue(watchId)!)}";
            var max = parse.GetValue(count);
            var delay = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(interval)));
            var live = !json && !Console.IsOutputRedirected && output == Console.Out;
            for (var i = 0; max is null || i < max; i++)
            {
                JsonNode? info;
                try
                {
                    info = await client.GetAsync(path, ct);
                }
                catch (CliError e) when (e.ExitCode == CtlExitCodes.Unavailable)
                {
                    // The connector's shard is moving: keep watching.
                    output.WriteLine($"{DateTime.Now:HH:mm:ss} {e.Message}");
                    await WaitAsync(delay, ct);
                    continue;
                }
                if (json) output.WriteLine(info?.ToJsonString());
                else
                {
                    if (live) output.Write("\u001b[H\u001b[2J");
                    output.WriteLine($"{DateTime.Now:HH:mm:ss}");
                    WriteConnector(output, info, events: false);
                    if (!live) output.WriteLine();
                }
                await output.FlushAsync(ct);
                if (max is not null && i + 1 >= max) break;
                if (!await WaitAsync(delay, ct)) break;
            }
        });
        palette.Subcommands.Add(watch);
        return palette;
    }

    private static async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The connector id" };

    private static string? Short(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";

    private static void WriteConnector(TextWriter output, JsonNode? info, bool events)
    {
        var status = info?["status"];
        output.WriteLine($"connector  {S(info, "connectorId")}   state {S(info, "state")}   phase {S(status, "phase") ?? "-"}");
        output.WriteLine($"node       {S(info, "node")}");
        output.WriteLine($"position   {S(status, "position") ?? "-"}");
        var rate = status?["rowChangesPerSecond"]?.GetValue<double>() ?? 0;
        output.WriteLine($"lag        {S(status, "lag") ?? "-"}   {rate.ToString("0.#", CultureInfo.InvariantCulture)} row changes/s   applied {S(status, "rowChangesApplied") ?? "0"}");
        if (S(info, "lastError") is { } error) output.WriteLine($"last error {error}");
        if (events && info?["definition"] is { } definition)
        {
            output.WriteLine($"source     {S(definition, "sourceConnectionString")}");
            output.WriteLine($"dest       {S(definition, "destinationPath")}");
        }
        var tables = status?["tables"]?.AsArray() ?? [];
        if (tables.Count > 0)
        {
            output.WriteLine();
            var table = new TextTable("TABLE", "STATE", "ROWS COPIED", "ESTIMATED", "PROGRESS", "LAST ERROR");
            foreach (var t in tables)
            {
                var copied = t?["rowsCopied"]?.GetValue<long>() ?? 0;
                var estimated = t?["rowsEstimated"]?.GetValue<long?>();
                var progress = S(t, "state") == "streaming" ? "100%"
                    : estimated is > 0 ? Math.Min(100, 100.0 * copied / estimated.Value).ToString("0", CultureInfo.InvariantCulture) + "%" : "-";
                table.Add(S(t, "table"), S(t, "state"), copied, estimated, progress, Short(S(t, "lastError"), 50));
            }
            table.Write(output);
        }
        if (events && status?["events"]?.AsArray() is { Count: > 0 } list)
        {
            output.WriteLine();
            output.WriteLine("events");
            foreach (var e in list.TakeLast(20)) output.WriteLine("  " + e?.GetValue<string>());
        }
    }
}
