using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Sluice.Replication.Secrets;

namespace Sluice.Cli.Sync;

/// <summary>How <c>sluice sync</c> reports progress.</summary>
public enum SyncLogFormat
{
    /// <summary>The live display when stdout is a terminal, else <see cref="Json"/>.</summary>
    Auto,
    /// <summary>The live display (Spectre.Console); logs go to <c>sluice.log</c> in the state folder.</summary>
    Live,
    /// <summary>Plain text log lines on stdout.</summary>
    Text,
    /// <summary>One JSON object per line on stdout.</summary>
    Json,
}

/// <summary><c>sluice sync</c>: one connector on a local single-node actor system.</summary>
public static class SyncCommand
{
    /// <summary>The engine used (tests and benchmarks may replace it).</summary>
    public static SyncEngineFactory EngineFactory { get; set; } = SingleNodeSyncEngine.StartAsync;

    public static Command Build(TextWriter output)
    {
        var source = new Option<string>("--source")
        {
            Description = "Source connection string (MySqlConnector syntax): \"Server=...;Port=...;User ID=...;Password=...\"",
            Required = true,
        };
        var destination = new Option<string>("--destination")
        {
            Description = "Destination: duckdb:PATH (a DuckDB file, created when missing)",
            Required = true,
        };
        var config = new Option<string?>("--config") { Description = "Connector config file (JSON): blocking, hashed columns, chunk size; see README" };
        var state = new Option<string?>("--state") { Description = "State folder (snapshot progress, binlog position, hashing salt); default: PATH.sluice-state beside the destination" };
        var once = new Option<bool>("--once") { Description = "Snapshot what is missing, apply the binlog up to the position current at start, then exit 0" };
        var logFormat = new Option<SyncLogFormat>("--log-format")
        {
            Description = "auto (live display on a terminal, else json), live, text or json (one JSON object per line)",
            DefaultValueFactory = _ => SyncLogFormat.Auto,
        };
        var statusInterval = new Option<double>("--status-interval")
        {
            Description = "Seconds between status lines in text/json output",
            DefaultValueFactory = _ => 5,
        };
        var noKillZombies = new Option<bool>("--no-kill-zombies")
        {
            Description = "Leave the replication user's other sessions alone (by default they are killed at start: the user must be reserved for Sluice)",
        };
        var command = new Command("sync", "Replicate a MySQL/MariaDB server into a destination: initial snapshot, then the binlog, live.")
        {
            source, destination, config, state, once, logFormat, statusInterval, noKillZombies,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SyncOptions(
                parse.GetValue(source)!, parse.GetValue(destination)!, parse.GetValue(config), parse.GetValue(state),
                parse.GetValue(once), parse.GetValue(logFormat), parse.GetValue(statusInterval)) { KillZombies = !parse.GetValue(noKillZombies) };
            return await RunAsync(options, output, ct);
        });
        return command;
    }

    public sealed record SyncOptions(string Source, string Destination, string? ConfigPath, string? StateDirectory, bool Once,
        SyncLogFormat LogFormat, double StatusIntervalSeconds)
    {
        /// <summary>Kill the replication user's other sessions at start (off with <c>--no-kill-zombies</c>).</summary>
        public bool KillZombies { get; init; } = true;
    }

    /// <summary>
    /// The loggers of a sync run: Information and up, one line each through <paramref name="writer"/>, every record
    /// scrubbed of <paramref name="secrets"/> and <c>Password=...</c> pairs (<see cref="ScrubbingLoggerProvider"/>).
    /// </summary>
    public static ILoggerFactory CreateLoggerFactory(LineLogWriter writer, IReadOnlyCollection<string> secrets, Action<LogLevel, string>? observer = null) =>
        LoggerFactory.Create(b =>
        {
            b.ClearProviders();
            b.SetMinimumLevel(LogLevel.Information);
            b.AddFilter("Microsoft.Hosting", LogLevel.Warning); // "Application started. Press Ctrl+C..." is not ours to say
            b.AddProvider(new ScrubbingLoggerProvider(new LineLoggerProvider(writer, LogLevel.Information, observer), new SecretSet(secrets)));
        });

    public static async Task<int> RunAsync(SyncOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.StatusIntervalSeconds is <= 0 or > 3600 || double.IsNaN(options.StatusIntervalSeconds))
        {
            throw new CliError("--status-interval must be between 0 and 3600 seconds", 2);
        }
        var destination = DestinationSpec.Parse(options.Destination);
        var config = ConnectorConfigFile.Load(options.ConfigPath);
        var secrets = SourcePreflight.Secrets(options.Source);
        var stateDirectory = Path.GetFullPath(options.StateDirectory ?? destination.Path + ".sluice-state");
        try
        {
            Directory.CreateDirectory(stateDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"--state folder {stateDirectory} cannot be created ({ex.Message}): choose a writable folder", 2);
        }
        await StatePreflight.CheckAsync(stateDirectory, Path.Combine(stateDirectory, Host.PersistenceOptions.StateFileName), CancellationToken.None);

        var mode = options.LogFormat;
        if (mode == SyncLogFormat.Auto)
        {
            mode = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? SyncLogFormat.Live : SyncLogFormat.Json;
        }

        // Stop on SIGINT/SIGTERM: the first signal stops cleanly; a second one (while stopping) ends the process.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            if (stop.IsCancellationRequested) return;
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        StreamWriter? logFile = null;
        var recent = new RecentMessages(8);
        LineLogWriter writer;
        if (mode == SyncLogFormat.Live)
        {
            logFile = new StreamWriter(Path.Combine(stateDirectory, "sluice.log"), append: true) { AutoFlush = true };
            writer = new LineLogWriter(logFile, LineFormat.Json, secrets);
        }
        else
        {
            writer = new LineLogWriter(output, mode == SyncLogFormat.Json ? LineFormat.Json : LineFormat.Text, secrets);
        }

        using var loggerFactory = CreateLoggerFactory(writer, secrets,
            mode == SyncLogFormat.Live ? (level, message) => { if (level >= LogLevel.Warning) recent.Add(message); } : null);
        var log = loggerFactory.CreateLogger("Sluice.Cli.Sync");

        try
        {
            log.LogInformation("sync {Source} -> {Destination} (state {State}{Mode})", Redaction.Redact(options.Source),
                destination.ToString(), stateDirectory, options.Once ? ", once" : "");

            // The source (and the config's names) first: a mistake there ends the run before the destination is created.
            Replication.Discovery.DiscoveryFilter filter;
            await using (var connection = await SourcePreflight.OpenAsync(options.Source, stop.Token))
            {
                var (resolved, tables, warnings) = await SourcePreflight.CheckSourceAsync(connection, config, runSetupChecks: true, stop.Token);
                foreach (var warning in warnings) log.LogWarning("setup check warning: {Problem}", warning.ToString());
                if (tables.Count == 0)
                {
                    throw new CliError($"no table to replicate: user '{new MySqlConnectionStringBuilder(options.Source).UserID}' can SELECT no table outside the system schemas that the config allows; check the grants and includeSchemas/includeTables", 1);
                }
                log.LogInformation("{Count} table(s) to replicate", tables.Count);
                filter = resolved;
                // Zombie cleanup here, where it can be reported (the connector itself is told not to repeat it).
                var user = new MySqlConnectionStringBuilder(options.Source).UserID;
                if (options.KillZombies) await ZombieSessions.KillAsync(connection, user, log, stop.Token);
                else ZombieSessions.Skipped(log, user);
            }
            await SourcePreflight.CheckDestinationWritableAsync(destination.Path, stop.Token);

            var request = new SyncRequest(config with { SourceConnectionString = options.Source, DestinationPath = destination.Path },
                stateDirectory, filter, options.Once);
            var clock = Stopwatch.StartNew();
            await using var engine = await EngineFactory(request, loggerFactory, stop.Token);
            var run = engine.RunAsync(stop.Token);

            var reporter = new StatusReporter(writer, log);
            if (mode == SyncLogFormat.Live)
            {
                await SyncDisplay.ShowAsync(output, () => engine.Status, recent, run, options.Once, stop.Token);
            }
            else
            {
                var interval = TimeSpan.FromSeconds(options.StatusIntervalSeconds);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(interval, CancellationToken.None));
                    reporter.Report(engine.Status);
                }
            }

            var outcome = await run;
            var final = engine.Status;
            reporter.ReportEvents(final);
            using var self = Process.GetCurrentProcess();
            var peakMb = self.PeakWorkingSet64 / 1048576.0;
            if (!outcome.Succeeded)
            {
                log.LogError("sync failed: {Error}", outcome.Error ?? final.LastError ?? "unknown error");
                throw new CliError("sync failed: " + writer.Scrub(outcome.Error ?? final.LastError ?? "unknown error"), 1);
            }
            var copied = final.Tables.Sum(t => t.RowsCopied);
            var ending = outcome.Ending == "completed" ? "done" : "stopped";
            log.LogInformation(
                "sync {Ending} after {Seconds:0.0} s: {Tables} tables, {Rows} rows copied, position {Position}, peak memory {PeakMb:0} MB, "
                + "CPU {CpuSeconds:0.0} s, GC pauses {GcPauseSeconds:0.00} s in {Gen0}/{Gen1}/{Gen2} collections of {AllocatedMb:0} MB",
                ending, clock.Elapsed.TotalSeconds, final.Tables.Count, copied, final.Position ?? "-", peakMb,
                self.TotalProcessorTime.TotalSeconds, GC.GetTotalPauseDuration().TotalSeconds, GC.CollectionCount(0), GC.CollectionCount(1),
                GC.CollectionCount(2), GC.GetTotalAllocatedBytes() / 1048576.0);
            if (mode == SyncLogFormat.Live)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"sluice: sync {ending} after {clock.Elapsed.TotalSeconds:0.0} s; {final.Tables.Count} tables; position {final.Position ?? "-"}"));
            }
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped (signal) before the engine ran: a clean stop.
            log.LogInformation("sync stopped before it started");
            return 0;
        }
        catch (CliError error)
        {
            if (mode != SyncLogFormat.Live || logFile is not null) log.LogError("{Error}", error.Message);
            throw new CliError(writer.Scrub(error.Message), error.ExitCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var (message, code) = ErrorReporter.Describe(ex);
            log.LogError("{Error}", message ?? ex.Message);
            throw new CliError(writer.Scrub(message ?? ex.Message), code);
        }
        finally
        {
            if (logFile is not null) await logFile.DisposeAsync();
        }
    }
}

/// <summary>The last few warnings and errors, for the live display.</summary>
public sealed class RecentMessages(int capacity)
{
    private readonly Queue<string> _items = new();
    private readonly Lock _gate = new();

    public void Add(string message)
    {
        lock (_gate)
        {
            _items.Enqueue(message);
            while (_items.Count > capacity) _items.Dequeue();
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate) return _items.ToList();
    }
}
