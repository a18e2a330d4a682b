using System.Diagnostics;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;

namespace Sluice.Bench;

/// <summary>
/// Where the snapshot's time goes, without actors: the same table read in chunks with <see cref="ChunkReader"/>
/// (MySqlConnector read + canonical normalisation) and <see cref="TextChunkReader"/> and written with <see cref="DuckDbDestination.WriteSnapshotChunkAsync"/>,
/// each timed on its own (run after <see cref="SnapshotBench"/>, which loads the table).
/// </summary>
internal static class SnapshotPartsBench
{
    public static async Task RunAsync(BenchServer server, int chunkSize)
    {
        await using var source = await SourceConnections.OpenAsync(server.RootConnectionString());
        var table = (await SchemaDiscovery.DiscoverAsync(source, DiscoveryFilter.FromNames(includeSchemas: [SnapshotBench.Database]))).Single();
        var mapping = TypeMapper.MapTable(table, await TypeMapper.ObserveBooleanTinyIntsAsync(source, table));
        var chunks = new List<IReadOnlyList<object?[]>>();
        var read = Stopwatch.StartNew();
        object?[]? last = null;
        long rows = 0;
        while (true)
        {
            var chunk = await ChunkReader.ReadChunkAsync(source, mapping, last, chunkSize);
            chunks.Add(chunk.Rows);
            rows += chunk.Rows.Count;
            if (chunk.IsLast) break;
            last = chunk.LastKey;
        }
        read.Stop();

        // The same chunks through the text-protocol reader (kept only as a count: the rows above are written below).
        var textRead = Stopwatch.StartNew();
        long textRows = 0;
        await using (var text = await TextChunkReader.OpenAsync(server.RootConnectionString()))
        {
            last = null;
            while (true)
            {
                var chunk = await text.ReadChunkAsync(mapping, last, chunkSize);
                textRows += chunk.Rows.Count;
                if (chunk.IsLast) break;
                last = chunk.LastKey;
            }
        }
        textRead.Stop();

        var dir = Directory.CreateTempSubdirectory("sluice-bench-parts-");
        try
        {
            await using var destination = await DuckDbDestination.OpenAsync(Path.Combine(dir.FullName, "parts.duckdb"));
            await destination.EnsureTableAsync(mapping.Destination);
            var write = Stopwatch.StartNew();
            var n = 0;
            foreach (var chunk in chunks) await destination.WriteSnapshotChunkAsync(mapping.Destination, chunk, "chunk-" + n++);
            write.Stop();
            Console.WriteLine($"  parts (no actors, chunk {chunkSize:N0}): ChunkReader {rows:N0} rows in {read.Elapsed.TotalSeconds:0.00} s = {rows / read.Elapsed.TotalSeconds:N0} rows/s; "
                + $"TextChunkReader {textRows:N0} rows in {textRead.Elapsed.TotalSeconds:0.00} s = {textRows / textRead.Elapsed.TotalSeconds:N0} rows/s; "
                + $"DuckDbDestination.WriteSnapshotChunkAsync {write.Elapsed.TotalSeconds:0.00} s = {rows / write.Elapsed.TotalSeconds:N0} rows/s");
            var one = await DuckDbFloor.MeasureAsync(mapping.Destination, rows, threads: 1);
            var all = await DuckDbFloor.MeasureAsync(mapping.Destination, rows, threads: null);
            Console.WriteLine($"  DuckDB's own insert of the same {rows:N0} rows generated inside DuckDB (one transaction + checkpoint): "
                + $"{one.TotalSeconds:0.00} s on 1 thread, {all.TotalSeconds:0.00} s on {Environment.ProcessorCount} = {rows / Math.Min(one.TotalSeconds, all.TotalSeconds):N0} rows/s");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
