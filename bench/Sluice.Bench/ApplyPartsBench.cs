using System.Diagnostics;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Replication.Changes;
using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Bench;

/// <summary>
/// Where the apply's time goes, without actors: the workload's binlog streamed and converted to row changes
/// (<see cref="BinlogClient"/> + <see cref="BinlogRowConverter"/>), then applied with
/// <see cref="DuckDbDestination.ApplyAsync"/> in batches of 5,000, each timed on its own.
/// </summary>
internal static class ApplyPartsBench
{
    public static async Task RunAsync(BenchServer server, string database, string firstFile)
    {
        await using var source = await SourceConnections.OpenAsync(server.RootConnectionString());
        var table = (await SchemaDiscovery.DiscoverAsync(source, DiscoveryFilter.FromNames(includeSchemas: [database]))).Single();
        var mapping = TypeMapper.MapTable(table, await TypeMapper.ObserveBooleanTinyIntsAsync(source, table));
        var converter = new BinlogRowConverter(mapping);
        var batches = new List<List<RowChange>>();
        var current = new List<RowChange>();
        var convert = Stopwatch.StartNew();
        var client = new BinlogClient(BinlogClientOptions.FromConnectionString(server.ReplicationConnectionString()) with { StopAtEnd = true });
        await foreach (var item in client.StreamAsync(BinlogStartPosition.FromFile(firstFile, 4)))
        {
            if (item.Event is RowsEvent rows && rows.Table is { } map && map.Schema == database && map.Table == table.Id.Name)
            {
                current.AddRange(converter.ToRowChanges(rows));
                if (current.Count >= 5_000)
                {
                    batches.Add(current);
                    current = [];
                }
            }
        }
        if (current.Count > 0) batches.Add(current);
        convert.Stop();
        var changes = batches.Sum(b => (long)b.Count);

        var dir = Directory.CreateTempSubdirectory("sluice-bench-parts-");
        try
        {
            await using var destination = await DuckDbDestination.OpenAsync(Path.Combine(dir.FullName, "parts.duckdb"));
            await destination.EnsureTableAsync(mapping.Destination);
            var apply = Stopwatch.StartNew();
            var n = 0;
            foreach (var batch in batches) await destination.ApplyAsync(mapping.Destination, batch, "batch-" + n++);
            apply.Stop();
            Console.WriteLine($"  parts (no actors): binlog read + decode + BinlogRowConverter {changes:N0} changes in {convert.Elapsed.TotalSeconds:0.00} s = {changes / convert.Elapsed.TotalSeconds:N0}/s; "
                + $"DuckDbDestination.ApplyAsync (5,000 per batch) {apply.Elapsed.TotalSeconds:0.00} s = {changes / apply.Elapsed.TotalSeconds:N0}/s");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
