using System.Diagnostics;
using System.Text.Json;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;

namespace Sluice.Bench;

/// <summary>Streams a binlog range through <see cref="BinlogClient"/>, decoding every row, and measures it.</summary>
internal static class BinlogStreamBench
{
    public sealed record Result(long RowChanges, long Events, double Seconds, double PeakMegabytes);

    /// <summary>Runs <see cref="DecodeAsync"/> in a child process so its peak memory is its own.</summary>
    public static async Task<Result> RunChildAsync(string firstFile)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(BinlogStreamBench).Assembly.Location);
        psi.ArgumentList.Add("decode");
        psi.ArgumentList.Add(firstFile);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the decode process");
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"decode process failed with exit code {p.ExitCode}");
        return JsonSerializer.Deserialize<Result>(output.Trim().Split('\n').Last())!;
    }

    public static async Task<Result> DecodeAsync(BenchServer server, string firstFile)
    {
        var options = BinlogClientOptions.FromConnectionString(server.ReplicationConnectionString()) with { StopAtEnd = true };
        var client = new BinlogClient(options);
        long rows = 0, events = 0, cells = 0;
        var sw = Stopwatch.StartNew();
        await foreach (var item in client.StreamAsync(BinlogStartPosition.FromFile(firstFile, 4)))
        {
            events++;
            switch (item.Event)
            {
                case WriteRowsEvent w:
                    rows += w.Rows.Count;
                    foreach (var r in w.Rows) cells += r.ColumnCount;
                    break;
                case UpdateRowsEvent u:
                    rows += u.Rows.Count;
                    break;
                case DeleteRowsEvent d:
                    rows += d.Rows.Count;
                    break;
            }
        }
        sw.Stop();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return new Result(rows, events, sw.Elapsed.TotalSeconds, self.PeakWorkingSet64 / 1048576.0);
    }
}
