using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using MySqlConnector;

namespace Sluice.Bench;

/// <summary>
/// (c) Commit-to-destination latency at a steady rate: a writer inserts rows at <c>rate</c> changes/s, each row carrying
/// its commit time (<c>NOW(6)</c>, UTC), while <c>sluice sync</c> streams; afterwards each destination row's
/// <c>_fivetran_synced</c> minus its commit time is the latency (p50, p99, max).
/// </summary>
internal static class LatencyBench
{
    public const string Database = "sluice_bench_latency";

    public sealed record Result(int Rate, long Rows, double P50Ms, double P99Ms, double MaxMs, double? PeakMb);

    public static async Task<Result> RunAsync(BenchServer server, int rate, TimeSpan duration)
    {
        await BenchDatabase.ExecAsync(server, $"""
            DROP DATABASE IF EXISTS {Database}; CREATE DATABASE {Database}; USE {Database};
            CREATE TABLE lat (id BIGINT NOT NULL PRIMARY KEY, committed DATETIME(6) NOT NULL, payload VARCHAR(64) NOT NULL) ENGINE=InnoDB;
            """);
        var (dir, config) = BenchDatabase.Workspace(Database);
        try
        {
            await SluiceProcess.RunAsync(TimeSpan.FromMinutes(5), BenchDatabase.SyncArgs(server, dir, config, once: true));
            await using var sync = SluiceProcess.Start(BenchDatabase.SyncArgs(server, dir, config, once: false));
            await WaitAsync(() => sync.Records.Any(r => (string?)r["event"] == "status"
                    && r["tables"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } tables
                    && tables.All(t => (string?)t!["state"] == "streaming")),
                TimeSpan.FromMinutes(2), "the sync to stream");

            Console.WriteLine($"bench latency: {rate:N0} row changes/s for {duration.TotalSeconds:0} s while sluice sync streams...");
            var rows = await WriteSteadyAsync(server, rate, duration);
            var (file, pos) = await server.MasterStatusAsync();
            await WaitAsync(() => sync.LatestPosition is { } p && Reached(p, file, pos), TimeSpan.FromMinutes(5), "the sync to catch up");
            sync.Terminate();
            await sync.WaitAsync(TimeSpan.FromMinutes(2));

            await using var duck = new DuckDBConnection($"Data Source={Path.Combine(dir.FullName, "bench.duckdb")};ACCESS_MODE=READ_ONLY");
            await duck.OpenAsync();
            await using var cmd = duck.CreateCommand();
            cmd.CommandText = $"""
                SELECT count(*), quantile_cont(d, 0.5), quantile_cont(d, 0.99), max(d)
                FROM (SELECT (epoch_us(_fivetran_synced) - epoch_us(committed)) / 1000.0 AS d FROM "{Database}"."lat")
                """;
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            var count = reader.GetInt64(0);
            if (count != rows) Console.Error.WriteLine($"bench latency: the destination holds {count} rows, {rows} were written");
            return new Result(rate, count, reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), sync.PeakMegabytes);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Inserts rows on schedule: after t seconds, rate × t rows have been committed (one statement per step).</summary>
    private static async Task<long> WriteSteadyAsync(BenchServer server, int rate, TimeSpan duration)
    {
        await using var conn = new MySqlConnection(server.RootConnectionString(Database));
        await conn.OpenAsync();
        await using (var tz = new MySqlCommand("SET time_zone = '+00:00'", conn)) await tz.ExecuteNonQueryAsync();
        var sw = Stopwatch.StartNew();
        long written = 0;
        var sb = new StringBuilder();
        while (sw.Elapsed < duration)
        {
            var due = (long)(sw.Elapsed.TotalSeconds * rate) - written;
            if (due <= 0)
            {
                await Task.Delay(2);
                continue;
            }
            var n = Math.Min(due, 2000);
            sb.Clear().Append("INSERT INTO lat VALUES ");
            for (var i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append('(').Append(written + i + 1).Append(",NOW(6),'payload')");
            }
            await using var cmd = new MySqlCommand(sb.ToString(), conn);
            await cmd.ExecuteNonQueryAsync();
            written += n;
        }
        return written;
    }

    /// <summary>Whether a position text (<c>file:pos[;gtids]</c>) is at or past file:pos.</summary>
    private static bool Reached(string position, string file, long pos)
    {
        var main = position.Split(';')[0];
        var colon = main.LastIndexOf(':');
        if (colon <= 0 || !long.TryParse(main.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p)) return false;
        var f = Uri.UnescapeDataString(main[..colon]);
        var c = string.CompareOrdinal(f, file);
        return c > 0 || (c == 0 && p >= pos);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout) throw new TimeoutException($"bench: timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
