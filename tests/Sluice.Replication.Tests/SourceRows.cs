using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests;

/// <summary>Reads a real source table the way the snapshot does: discovery, mapping, then canonical rows.</summary>
public static class SourceRows
{
    public static async Task<(DestinationTable Table, List<object?[]> Rows)> ReadAsync(TestDatabase db, string table, string? orderBy = null)
    {
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var tables = await SchemaDiscovery.DiscoverAsync(connection, DiscoveryFilter.FromNames(includeTables: [db.Name + "." + table]));
        var source = Assert.Single(tables);
        var booleans = await TypeMapper.ObserveBooleanTinyIntsAsync(connection, source);
        var destination = TypeMapper.MapTable(source, booleans).Destination;

        var rows = new List<object?[]>();
        var sql = ValueNormalizer.SelectSql(destination) + (orderBy is null ? "" : " ORDER BY " + orderBy);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(ValueNormalizer.ReadRow(reader, destination));
        return (destination, rows);
    }
}
