using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Sluice.Cli.Sync;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Sync;

/// <summary>
/// The command's own plumbing (preflight, logs, status records, outcome → exit code) around a scripted engine; the real
/// engine is exercised through a child process in <see cref="SyncProcessTests"/>.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class SyncPlumbingTests(MariaDbServer server) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class ScriptedEngine(SyncRequest request, SyncOutcome outcome) : ISyncEngine
    {
        public SyncRequest Request { get; } = request;

        private SyncStatusView _status = SyncStatusView.Starting;
        private TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The scripted status; reading it lets the script go on to its next state.</summary>
        public SyncStatusView Status
        {
            get
            {
                var read = Volatile.Read(ref _read);
                var status = Volatile.Read(ref _status);
                read.TrySetResult();
                return status;
            }
        }

        public async Task<SyncOutcome> RunAsync(CancellationToken cancellationToken)
        {
            await ShowAsync(new SyncStatusView("snapshotting", [new("db.t", "snapshotting", 5, 10)], "f.000001:4", null, 0, null, []));
            await ShowAsync(new SyncStatusView("streaming", [new("db.t", "streaming", 10, 10)], "f.000001:99", TimeSpan.FromMilliseconds(300), 42, null,
                ["forced_resync_table db.t: ALTER TABLE"]));
            return outcome;
        }

        /// <summary>Publishes a status and waits until the command has read it (at most 30 s).</summary>
        private async Task ShowAsync(SyncStatusView status)
        {
            var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _status, status);
            Volatile.Write(ref _read, read);
            await read.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private async Task<(CliRunner.Result Result, SyncRequest? Request)> RunAsync(SyncOutcome outcome, string config)
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, secret VARCHAR(20))");
        File.WriteAllText(_dir.File("c.json"), config.Replace("DB", db.Name, StringComparison.Ordinal));
        SyncRequest? seen = null;
        var previous = SyncCommand.EngineFactory;
        SyncCommand.EngineFactory = (request, _, _) =>
        {
            seen = request;
            return Task.FromResult<ISyncEngine>(new ScriptedEngine(request, outcome));
        };
        try
        {
            var result = await CliRunner.RunAsync("sync", "--source", db.ReplicationConnectionString, "--destination", "duckdb:" + _dir.File("x.duckdb"),
                "--config", _dir.File("c.json"), "--once", "--log-format", "json", "--status-interval", "0.05");
            return (result, seen);
        }
        finally
        {
            SyncCommand.EngineFactory = previous;
        }
    }

    [Fact]
    public async Task Json_mode_prints_status_records_and_hands_the_config_to_the_engine()
    {
        var (result, request) = await RunAsync(new SyncOutcome(true, null),
            """{ "connectorId": "plumb", "includeSchemas": ["DB"], "hashedColumns": ["DB.t.secret"], "chunkSize": 77, "includeColumns": ["DB.t.id"] }""");
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var records = result.Lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(records, r => Assert.NotNull(r["ts"]));
        var statuses = records.Where(r => (string?)r["event"] == "status").ToList();
        Assert.Contains(statuses, s => (string?)s["phase"] == "streaming" && (string?)s["tables"]![0]!["state"] == "streaming");
        Assert.Contains(records, r => ((string?)r["message"])?.Contains("forced_resync_table db.t: ALTER TABLE", StringComparison.Ordinal) == true
                                      && (string?)r["level"] == "warn");
        Assert.Contains(records, r => ((string?)r["message"])?.StartsWith("sync done", StringComparison.Ordinal) == true && r["PeakMb"] is not null);
        Assert.DoesNotContain(server.ReplicationPassword, result.Output);

        Assert.NotNull(request);
        Assert.Equal("plumb", request.Definition.Id);
        Assert.Equal(77, request.Definition.ChunkSize);
        Assert.Equal(77, request.ToConfig().ChunkSize);
        Assert.Equal("plumb", request.ToConfig().Id);
        Assert.True(request.Once);
        Assert.EndsWith("x.duckdb.sluice-state", request.StateDirectory);
        Assert.Single(request.Definition.HashedColumns!);
        Assert.Single(request.ToConfig().HashedColumns);
        // includeColumns became an exclusion of the table's other non-key column.
        Assert.True(request.Filter.ExcludesColumn(new Replication.Discovery.TableId(request.Filter.IncludeSchemas!.Single(), "t"), "secret"));
    }

    [Fact]
    public async Task A_failed_run_is_one_line_and_exit_code_one()
    {
        var (result, _) = await RunAsync(new SyncOutcome(false, "binlog position lost; Password=oops"), """{ "includeSchemas": ["DB"] }""");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("sluice: sync failed: binlog position lost; Password=***", result.Error.Trim());
    }

    [Fact]
    public void The_live_display_renders_every_state()
    {
        var status = new SyncStatusView("snapshotting",
            [new("a.t1", "streaming", 10, 10), new("a.t2", "snapshotting", 50, 200), new("a.t3", "pending", 0, null), new("a.t4", "resyncing", 0, 5, "boom [x]")],
            "f:4", TimeSpan.FromSeconds(1.5), 1234.5, "last [error]", ["position_lost"]);
        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(output),
            Ansi = Spectre.Console.AnsiSupport.No,
        });
        console.Write(SyncDisplay.Render(status, ["warn: something"], once: true, stopping: false));
        var text = output.ToString();
        Assert.Contains("a.t2", text);
        Assert.Contains("25%", text);
        Assert.Contains("1,234", text);
        Assert.Contains("last [error]", text);
        Assert.Contains("position_lost", text);
        Assert.Equal("snapshotting at f:4, lag 1.5 s, 1,234 changes/s; tables: 1 streaming, 1 snapshotting (25%), 1 pending, 1 resyncing; last error: last [error]",
            StatusReporter.Summary(status));
    }
}
