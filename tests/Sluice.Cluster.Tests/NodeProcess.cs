using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Sluice.Testing;

namespace Sluice.Cluster.Tests;

/// <summary>One <c>dotnet sluice.dll serve --config FILE</c> process; its output is kept in a log file.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private NodeProcess(int index, Process process, StreamWriter log, string logPath)
    {
        Index = index;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public int Index { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The built command line (src/Sluice.Cli/bin/&lt;configuration&gt;/net10.0/sluice.dll, same configuration as the tests).</summary>
    public static string SluiceDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var path = RepositoryPaths.File(Path.Combine("src", "Sluice.Cli", "bin", configuration, "net10.0", "sluice.dll"));
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build src/Sluice.Cli first");
        }
    }

    public static NodeProcess Start(int index, string configPath, string logPath)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        psi.ArgumentList.Add(SluiceDll);
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(configPath);
        // The fixture's own SLUICE_TEST_* variables are not node settings; SLUICE__ ones would be: clear them.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("SLUICE__", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        var log = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new NodeProcess(index, process, log, logPath);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>SIGKILL: the process dies at once, nothing runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: the node leaves the cluster and hands its connectors over.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public string Tail(int lines = 40)
    {
        lock (_log)
        {
            try
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
            }
            catch (IOException ex)
            {
                return ex.Message;
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
