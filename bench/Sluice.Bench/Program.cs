using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Bench;

// Sluice benchmarks. Run with ./build.sh bench (it starts a throwaway MariaDB and sets SLUICE_TEST_MYSQL_*).
//   binlog [--changes N]    stream N row changes (60% insert, 30% update, 10% delete, 100 per transaction) through our
//                           client, next to mariadb-binlog --raw copying the same binlog in the same run
//   decode FILE             (internal) stream from FILE:4 to the end in this process and print figures as JSON
var invariant = CultureInfo.InvariantCulture;
// The benchmark name may be left out: "./build.sh bench --changes 200000" runs binlog ("--" before options is skipped).
if (args.Length > 0 && args[0] == "--") args = args[1..];
var named = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal);
var mode = named ? args[0] : "binlog";
var options = named ? args[1..] : args;
var server = BenchServer.FromEnvironment();

if (mode == "decode")
{
    var result = await BinlogStreamBench.DecodeAsync(server, args[1]);
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}

if (mode != "binlog")
{
    Console.Error.WriteLine($"bench: unknown benchmark '{mode}' (use: binlog [--changes N])");
    return 2;
}

var changes = 1_000_000L;
for (var i = 0; i < options.Length; i++)
{
    if (options[i] == "--changes" && i + 1 < options.Length && long.TryParse(options[i + 1], invariant, out var n) && n > 0 && n % 100 == 0)
    {
        changes = n;
        i++;
    }
    else
    {
        Console.Error.WriteLine(options[i] == "--changes"
            ? "bench: --changes needs a positive multiple of 100 (rows are written 100 per transaction)"
            : $"bench: unexpected argument '{options[i]}' (use: binlog [--changes N])");
        return 2;
    }
}

await using (var conn = new MySqlConnector.MySqlConnection(server.RootConnectionString()))
{
    await conn.OpenAsync();
    await using var flush = new MySqlConnector.MySqlCommand("FLUSH BINARY LOGS", conn);
    await flush.ExecuteNonQueryAsync();
}
var (firstFile, _) = await server.MasterStatusAsync();
Console.WriteLine($"bench binlog: writing {changes:N0} row changes (60% insert, 30% update, 10% delete, 100 per transaction) into {firstFile}...");
var sw = Stopwatch.StartNew();
await WorkloadGenerator.WriteAsync(server, "sluice_bench", changes, 100);
Console.WriteLine($"  written in {sw.Elapsed.TotalSeconds:0.0} s");

// Each measurement twice, interleaved; the better of each counts (the first run warms the server's caches).
var raw = new List<(TimeSpan Elapsed, long Bytes)>();
var ours = new List<BinlogStreamBench.Result>();
for (var round = 0; round < 2; round++)
{
    raw.Add(await RawTransfer.MeasureAsync(server, firstFile));
    ours.Add(await BinlogStreamBench.RunChildAsync(firstFile));
}
var bestRaw = raw.MinBy(r => r.Elapsed);
var best = ours.MinBy(r => r.Seconds)!;
var rawRate = changes / bestRaw.Elapsed.TotalSeconds;
var ourRate = best.RowChanges / best.Seconds;
Console.WriteLine($"  raw transfer (mariadb-binlog --raw): {bestRaw.Bytes / 1048576.0:0.0} MiB in {bestRaw.Elapsed.TotalSeconds:0.00} s = {rawRate:N0} row changes/s");
Console.WriteLine($"  sluice decode (BinlogClient):        {best.RowChanges:N0} row changes in {best.Seconds:0.00} s = {ourRate:N0} row changes/s, peak memory {best.PeakMegabytes:0} MB");
Console.WriteLine($"RESULT binlog-stream: {ourRate:F0} row changes/s, ratio to raw transfer {ourRate / rawRate:0.00} (target >= 0.80), peak {best.PeakMegabytes:0} MB (target < 150)");
if (best.RowChanges != changes)
{
    Console.Error.WriteLine($"bench: decoded {best.RowChanges} row changes, expected {changes}");
    return 1;
}
return 0;
