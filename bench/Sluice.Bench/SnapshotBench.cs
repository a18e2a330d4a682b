using System.Diagnostics;

namespace Sluice.Bench;

/// <summary>
/// (a) Initial sync of a table of N rows (BIGINT PK, INT, DECIMAL(12,2), VARCHAR(64), DATETIME(6), ~100-byte TEXT,
/// TINYINT(1)) into DuckDB by <c>sluice sync --once</c> (a whole process: start, setup checks, snapshot, exit), against
/// <c>mariadb --quick -e 'SELECT * ...' &gt; /dev/null</c> reading the same table in the same run.
/// </summary>
internal static class SnapshotBench
{
    public const string Database = "sluice_bench_snapshot";

    public sealed record Result(long Rows, TimeSpan Raw, TimeSpan Sluice, TimeSpan Overhead, double? PeakMb);

    public static async Task<Result> RunAsync(BenchServer server, long rows)
    {
        await LoadAsync(server, rows);
        // Each measurement twice, interleaved; the better of each counts (the first run warms the buffer pool).
        var raw = new List<TimeSpan>();
        var ours = new List<(TimeSpan Elapsed, TimeSpan Overhead, double? Peak)>();
        for (var round = 0; round < 2; round++)
        {
            raw.Add(await RawSelectAsync(server, $"SELECT * FROM {Database}.snap"));
            var (dir, config) = BenchDatabase.Workspace(Database);
            try
            {
                var (elapsed, peak) = await SluiceProcess.RunAsync(TimeSpan.FromMinutes(20), BenchDatabase.SyncArgs(server, dir, config, once: true));
                // A second --once run has nothing to copy: its time is the fixed cost (process start, checks, actor system).
                var (noop, _) = await SluiceProcess.RunAsync(TimeSpan.FromMinutes(5), BenchDatabase.SyncArgs(server, dir, config, once: true));
                ours.Add((elapsed, noop, peak));
                Console.WriteLine($"  round {round + 1}: raw SELECT {raw[^1].TotalSeconds:0.00} s, sluice sync --once {elapsed.TotalSeconds:0.00} s (a no-op run: {noop.TotalSeconds:0.00} s), peak {peak:0} MB");
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        }
        var best = ours.MinBy(o => o.Elapsed);
        return new Result(rows, raw.Min(), best.Elapsed, best.Overhead, ours.Max(o => o.Peak));
    }

    /// <summary>Creates and fills <c>snap</c> with <paramref name="rows"/> rows.</summary>
    public static async Task LoadAsync(BenchServer server, long rows)
    {
        Console.WriteLine($"bench snapshot: loading {rows:N0} rows into {Database}.snap...");
        var sw = Stopwatch.StartNew();
        await BenchDatabase.ExecAsync(server, $"""
            DROP DATABASE IF EXISTS {Database}; CREATE DATABASE {Database}; USE {Database};
            CREATE TABLE snap (
              id BIGINT NOT NULL PRIMARY KEY, qty INT NOT NULL, price DECIMAL(12,2) NOT NULL, name VARCHAR(64) NOT NULL,
              updated DATETIME(6) NOT NULL, note TEXT, active TINYINT(1) NOT NULL) ENGINE=InnoDB;
            INSERT INTO snap SELECT seq, seq % 1000, (seq % 100000) / 100, CONCAT('name-', seq),
              '2024-05-06 07:08:09' + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
              CONCAT(REPEAT('n', 90), LPAD(seq, 10, '0')), seq % 2 FROM seq_1_to_{rows};
            ANALYZE TABLE snap;
            """);
        Console.WriteLine($"  loaded in {sw.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary><c>mariadb --quick -e SQL &gt; /dev/null</c>, timed.</summary>
    public static async Task<TimeSpan> RawSelectAsync(BenchServer server, string sql)
    {
        var tool = new[] { "/usr/bin/mariadb", "/usr/bin/mysql" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("the mariadb client is missing: install mariadb-client");
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"\"{tool}\" --no-defaults --quick -h\"$H\" -P\"$P\" -u\"$U\" -e \"$Q\" > /dev/null");
        psi.Environment["H"] = server.Host;
        psi.Environment["P"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["U"] = server.RootUser;
        psi.Environment["Q"] = sql;
        psi.Environment["MYSQL_PWD"] = server.RootPassword;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var err = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        sw.Stop();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {await err}");
        return sw.Elapsed;
    }
}
