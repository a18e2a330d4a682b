using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Sluice.Bench;

/// <summary>Runs the published <c>sluice</c> CLI (artifacts/sluice/sluice.dll, from <c>./build.sh publish</c>) as a child process.</summary>
internal sealed class SluiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _stdout;
    private readonly Task<string> _stderr;
    private readonly List<JsonObject> _records = [];
    private readonly Lock _gate = new();

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    private SluiceProcess(Process process)
    {
        _process = process;
        _stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith('{')) continue;
                try
                {
                    if (JsonNode.Parse(line) is JsonObject o)
                    {
                        lock (_gate) _records.Add(o);
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                }
            }
        });
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string CliPath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException("Actors.sln not found: run the benchmarks from the repository (./build.sh bench)");
            // The published CLI (ReadyToRun, as users run it: ./build.sh bench publishes it first).
            var path = Path.Combine(dir.FullName, "artifacts", "sluice", "sluice.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: publish the CLI (./build.sh bench does)");
        }
    }

    /// <summary>Starts <c>sluice ARGS</c> with JSON logs on stdout.</summary>
    public static SluiceProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--log-format");
        psi.ArgumentList.Add("json");
        return new SluiceProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start sluice"));
    }

    public int Id => _process.Id;

    public IReadOnlyList<JsonObject> Records
    {
        get
        {
            lock (_gate) return _records.ToList();
        }
    }

    /// <summary>The latest <c>status</c> record's position, or null.</summary>
    public string? LatestPosition => Records.LastOrDefault(r => (string?)r["event"] == "status" && r["position"] is not null)?["position"]?.GetValue<string>();

    /// <summary>The process's own peak working set, from its closing log record (MB), or null.</summary>
    public double? PeakMegabytes => Records.LastOrDefault(r => r["PeakMb"] is not null)?["PeakMb"]?.GetValue<double>();

    /// <summary>Sends SIGTERM (a clean stop).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit; throws with stderr when the exit code is not 0.</summary>
    public async Task<TimeSpan> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sluice did not finish within {timeout.TotalSeconds:0} s");
        }
        var elapsed = Clock.Elapsed;
        await _stdout;
        if (_process.ExitCode != 0) throw new InvalidOperationException($"sluice exited with {_process.ExitCode}: {await _stderr}");
        return elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>Runs <c>sluice ARGS</c> to completion.</summary>
    public static async Task<(TimeSpan Elapsed, double? PeakMb)> RunAsync(TimeSpan timeout, params string[] args)
    {
        await using var p = Start(args);
        var elapsed = await p.WaitAsync(timeout);
        return (elapsed, p.PeakMegabytes);
    }
}
