using System.Diagnostics;

namespace Sluice.Bench;

/// <summary>
/// The binlog client alone: N row changes (60% insert, 30% update, 10% delete, 100 per transaction) streamed and decoded
/// by <see cref="Sluice.Binlog.Client.BinlogClient"/>, next to <c>mariadb-binlog --raw</c> copying the same binlog.
/// </summary>
internal static class BinlogBench
{
    public static async Task<(int ExitCode, double PeakMb)> RunAsync(BenchServer server, long changes)
    {
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
            return (1, best.PeakMegabytes);
        }
        return (0, best.PeakMegabytes);
    }
}
