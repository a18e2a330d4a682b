using System.Diagnostics;
using MySqlConnector;

namespace Sluice.Bench;

/// <summary>
/// (b) Streaming apply: N row changes (60% insert, 30% update, 10% delete, 100 per transaction) committed on the source
/// after the initial sync, then applied to DuckDB by <c>sluice sync --once</c> (binlog read, decode, convert, merge
/// through staging tables, position recorded per batch), against <c>mariadb-binlog --raw</c> copying the same binlog.
/// </summary>
internal static class ApplyBench
{
    public const string Database = "sluice_bench_apply";

    public sealed record Result(long Changes, TimeSpan Raw, TimeSpan Sluice, TimeSpan Overhead, double? PeakMb);

    public static async Task<Result> RunAsync(BenchServer server, long changes)
    {
        await BenchDatabase.ExecAsync(server, $"DROP DATABASE IF EXISTS {Database}");
        await WorkloadGenerator.WriteAsync(server, Database, 0, 100); // the empty table
        var (dir, config) = BenchDatabase.Workspace(Database);
        try
        {
            var args = BenchDatabase.SyncArgs(server, dir, config, once: true);
            await SluiceProcess.RunAsync(TimeSpan.FromMinutes(5), args); // initial sync of the empty table

            await using (var conn = new MySqlConnection(server.RootConnectionString()))
            {
                await conn.OpenAsync();
                await using var flush = new MySqlCommand("FLUSH BINARY LOGS", conn);
                await flush.ExecuteNonQueryAsync();
            }
            var (firstFile, _) = await server.MasterStatusAsync();
            Console.WriteLine($"bench apply: writing {changes:N0} row changes (60% insert, 30% update, 10% delete, 100 per transaction)...");
            var sw = Stopwatch.StartNew();
            await WorkloadGenerator.WriteAsync(server, Database, changes, 100, dropTable: false);
            Console.WriteLine($"  written in {sw.Elapsed.TotalSeconds:0.0} s");

            var raw = await RawTransfer.MeasureAsync(server, firstFile);
            var (elapsed, peak) = await SluiceProcess.RunAsync(TimeSpan.FromMinutes(30), args);
            var (noop, _) = await SluiceProcess.RunAsync(TimeSpan.FromMinutes(5), args);
            Console.WriteLine($"  raw transfer {raw.Elapsed.TotalSeconds:0.00} s; sluice sync --once {elapsed.TotalSeconds:0.00} s (a no-op run: {noop.TotalSeconds:0.00} s), peak {peak:0} MB");
            await ApplyPartsBench.RunAsync(server, Database, firstFile);
            return new Result(changes, raw.Elapsed, elapsed, noop, peak);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
