using System.Diagnostics;

namespace Sluice.Bench;

/// <summary>
/// The physical limit of binlog streaming: <c>mariadb-binlog --read-from-remote-server --raw</c> copying the same
/// binlog files over the same loopback connection without decoding them.
/// </summary>
internal static class RawTransfer
{
    public static async Task<(TimeSpan Elapsed, long Bytes)> MeasureAsync(BenchServer server, string firstFile)
    {
        var tool = new[] { "/usr/bin/mariadb-binlog", "/usr/bin/mysqlbinlog" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mariadb-binlog not found: install mariadb-client");
        var dir = Directory.CreateTempSubdirectory("sluice-bench-raw-");
        try
        {
            var psi = new ProcessStartInfo(tool)
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
                     {
                         "--read-from-remote-server", "--raw", "--to-last-log",
                         "--host=" + server.Host, "--port=" + server.Port, "--user=" + server.ReplUser,
                         "--result-file=" + dir.FullName + "/", firstFile,
                     })
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment["MYSQL_PWD"] = server.ReplPassword;
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + tool);
            var err = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            sw.Stop();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {await err}");
            var bytes = dir.EnumerateFiles().Sum(f => f.Length);
            return (sw.Elapsed, bytes);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
