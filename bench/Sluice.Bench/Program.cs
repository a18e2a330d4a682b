using System.Globalization;
using System.Text.Json;
using Sluice.Bench;

// Sluice benchmarks. Run with ./build.sh bench [NAME] [options] (it starts a throwaway MariaDB and sets SLUICE_TEST_MYSQL_*).
//   (no name) | all          every benchmark below, then the peak-memory summary
//   binlog   [--changes N]   the binlog client alone: N row changes decoded, against mariadb-binlog --raw
//   snapshot [--rows N]      initial sync of an N-row table into DuckDB (sluice sync --once), against mariadb --quick SELECT *
//   apply    [--changes N]   N row changes applied to DuckDB end to end (sluice sync --once on the backlog), against mariadb-binlog --raw
//   latency  [--rate R] [--seconds S]   commit-to-DuckDB latency p50/p99 at R changes/s while sluice sync streams
//   parts    [--rows N]      the snapshot's reader and writer without actors, and DuckDB's own insert of the same rows
//   decode FILE              (internal) stream from FILE:4 to the end in this process and print figures as JSON
// Figures are reported, never asserted; RESULT lines carry the ratios and targets.
var invariant = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] == "--") args = args[1..];
var named = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal);
var mode = named ? args[0] : "all";
var options = named ? args[1..] : args;
string[] modes = ["all", "binlog", "snapshot", "apply", "latency", "parts"];
const string Usage = "use: [all|binlog|snapshot|apply|latency|parts] [--changes N] [--rows N] [--rate R] [--seconds S]";

var server = BenchServer.FromEnvironment();
if (mode == "decode")
{
    var result = await BinlogStreamBench.DecodeAsync(server, args[1]);
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}
if (!modes.Contains(mode))
{
    Console.Error.WriteLine($"bench: unknown benchmark '{mode}' ({Usage})");
    return 2;
}

long changes = 1_000_000, rows = 1_000_000;
int rate = 5_000, seconds = 30;
for (var i = 0; i < options.Length; i++)
{
    long n = 0;
    var ok = i + 1 < options.Length && long.TryParse(options[i + 1], NumberStyles.None, invariant, out n) && n > 0;
    switch (options[i])
    {
        case "--changes" when ok && n % 100 == 0: changes = n; break;
        case "--rows" when ok: rows = n; break;
        case "--rate" when ok && n <= 1_000_000: rate = (int)n; break;
        case "--seconds" when ok && n <= 3600: seconds = (int)n; break;
        default:
            Console.Error.WriteLine(options[i] == "--changes"
                ? "bench: --changes needs a positive multiple of 100 (rows are written 100 per transaction)"
                : $"bench: unexpected argument '{options[i]}' ({Usage})");
            return 2;
    }
    i++;
}

var exit = 0;
var peaks = new List<(string Bench, double? Mb)>();
if (mode is "all" or "binlog")
{
    var (code, peak) = await BinlogBench.RunAsync(server, changes);
    exit = Math.Max(exit, code);
}
if (mode is "all" or "snapshot")
{
    var r = await SnapshotBench.RunAsync(server, rows);
    Console.Out.Flush();
    var rawRate = r.Rows / r.Raw.TotalSeconds;
    var ourRate = r.Rows / r.Sluice.TotalSeconds;
    var copyRate = r.Rows / Math.Max(0.001, (r.Sluice - r.Overhead).TotalSeconds);
    Console.WriteLine($"RESULT snapshot: {r.Rows:N0} rows in {r.Sluice.TotalSeconds:0.00} s = {ourRate:N0} rows/s (whole process; {copyRate:N0} rows/s without the {r.Overhead.TotalSeconds:0.0} s fixed cost), "
        + $"raw SELECT {r.Raw.TotalSeconds:0.00} s = {rawRate:N0} rows/s, ratio {ourRate / rawRate:0.00} ({copyRate / rawRate:0.00} without the fixed cost; target >= 0.80)");
    peaks.Add(("snapshot", r.PeakMb));
    await SnapshotPartsBench.RunAsync(server, 10_000);
}
if (mode == "parts")
{
    await SnapshotBench.LoadAsync(server, rows);
    await SnapshotPartsBench.RunAsync(server, 10_000);
}
if (mode is "all" or "apply")
{
    var r = await ApplyBench.RunAsync(server, changes);
    var rawRate = r.Changes / r.Raw.TotalSeconds;
    var ourRate = r.Changes / r.Sluice.TotalSeconds;
    var applyRate = r.Changes / Math.Max(0.001, (r.Sluice - r.Overhead).TotalSeconds);
    Console.WriteLine($"RESULT apply: {r.Changes:N0} row changes in {r.Sluice.TotalSeconds:0.00} s = {ourRate:N0} changes/s (whole process; {applyRate:N0}/s without the {r.Overhead.TotalSeconds:0.0} s fixed cost; target >= 150,000), "
        + $"ratio to raw binlog transfer ({rawRate:N0}/s) {ourRate / rawRate:0.00}");
    peaks.Add(("apply", r.PeakMb));
}
if (mode is "all" or "latency")
{
    var r = await LatencyBench.RunAsync(server, rate, TimeSpan.FromSeconds(seconds));
    Console.WriteLine($"RESULT latency: {r.Rows:N0} rows at {r.Rate:N0} changes/s: commit to DuckDB p50 {r.P50Ms:0} ms, p99 {r.P99Ms:0} ms (target < 1000), max {r.MaxMs:0} ms");
    peaks.Add(("latency", r.PeakMb));
}
if (peaks.Count > 0)
{
    var worst = peaks.Where(p => p.Mb is not null).MaxBy(p => p.Mb);
    Console.WriteLine($"RESULT memory: peak working set of the sluice sync process {worst.Mb:0} MB in '{worst.Bench}' (target < 500; "
        + string.Join(", ", peaks.Select(p => $"{p.Bench} {p.Mb:0} MB")) + ")");
}
return exit;
