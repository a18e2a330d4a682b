using System.Diagnostics;
using DuckDB.NET.Data;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Destinations;

namespace Sluice.Bench;

/// <summary>
/// The destination's own limit for the snapshot benchmark's table: DuckDB generating the same N rows itself and
/// inserting them into the table as Sluice creates it (primary key, system columns), in one transaction followed by a
/// checkpoint: no source, no client, no .NET per row. Whatever copies the table into DuckDB cannot take less.
/// </summary>
internal static class DuckDbFloor
{
    public static async Task<TimeSpan> MeasureAsync(DestinationTable table, long rows, int? threads)
    {
        var dir = Directory.CreateTempSubdirectory("sluice-bench-floor-");
        try
        {
            var path = Path.Combine(dir.FullName, "floor.duckdb");
            await using (var destination = await DuckDbDestination.OpenAsync(path)) await destination.EnsureTableAsync(table);
            await using var connection = new DuckDBConnection("Data Source=" + path);
            await connection.OpenAsync();
            void Exec(string sql)
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }
            if (threads is { } n) Exec($"SET threads = {n}");
            Exec("SET preserve_insertion_order = false");
            var sw = Stopwatch.StartNew();
            Exec($"""
                INSERT INTO "{table.Id.Schema}"."{table.Id.Name}" (id, qty, price, name, updated, note, active, _fivetran_synced, _fivetran_deleted)
                SELECT i, i % 1000, CAST((i % 100000) / 100 AS DECIMAL(12,2)), 'name-' || i,
                       TIMESTAMP '2024-05-06 07:08:09' + to_seconds(i) + to_microseconds(i % 1000000),
                       repeat('n', 90) || lpad(CAST(i AS VARCHAR), 10, '0'), i % 2 = 1, now(), false
                FROM range(1, {rows + 1}) t(i)
                """);
            Exec("CHECKPOINT");
            sw.Stop();
            return sw.Elapsed;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
