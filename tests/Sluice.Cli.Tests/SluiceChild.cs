using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Sluice.Cli.Tests;

/// <summary>
/// <c>sluice</c> as a real child process (<c>dotnet sluice.dll ...</c>, the CLI built beside this test assembly), with its
/// JSON log records collected as they arrive. Waits poll the records with a bounded deadline.
/// </summary>
public sealed class SluiceChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _stdout;
    private readonly Task<string> _stderr;
    private readonly List<JsonObject> _records = [];
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    private SluiceChild(Process process)
    {
        _process = process;
        _stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                JsonObject? record = null;
                try
                {
                    record = line.StartsWith('{') ? JsonNode.Parse(line) as JsonObject : null;
                }
                catch (System.Text.Json.JsonException)
                {
                }
                lock (_gate)
                {
                    _lines.Add(line);
                    if (record is not null) _records.Add(record);
                }
            }
        });
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "sluice.dll");

    public static SluiceChild Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new SluiceChild(Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet sluice.dll"));
    }

    /// <summary>Runs to the end and returns the exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args)
    {
        await using var child = Start(args);
        var code = await child.WaitForExitAsync(timeout);
        return (code, child.Output, await child._stderr);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<JsonObject> Records
    {
        get
        {
            lock (_gate) return _records.ToList();
        }
    }

    public string Output
    {
        get
        {
            lock (_gate) return string.Join('\n', _lines);
        }
    }

    public IEnumerable<JsonObject> Statuses => Records.Where(r => (string?)r["event"] == "status");

    /// <summary>The table entries of the latest status record.</summary>
    public IReadOnlyList<JsonObject> LatestTables =>
        (Statuses.LastOrDefault()?["tables"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];

    /// <summary>Polls until <paramref name="condition"/> holds; fails with the output when the process ends or time runs out.</summary>
    public async Task WaitUntilAsync(Func<SluiceChild, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition(this))
        {
            if (_process.HasExited)
            {
                await _stdout;
                throw new Xunit.Sdk.XunitException($"sluice exited ({_process.ExitCode}) before {what}: {await _stderr}\n{Output}");
            }
            if (deadline.Elapsed > timeout) throw new Xunit.Sdk.XunitException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no chance to clean up (the crash the state must survive).</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _stdout;
    }

    /// <summary>SIGTERM: the clean stop a service manager asks for.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"sluice did not exit within {timeout.TotalSeconds:0} s:\n{Output}");
        }
        await _stdout;
        return _process.ExitCode;
    }

    public Task<string> ErrorAsync() => _stderr;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
