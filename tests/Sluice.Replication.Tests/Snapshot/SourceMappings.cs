using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Snapshot;

/// <summary>Discovers and maps test tables the way the snapshot does.</summary>
public static class SourceMappings
{
    public static async Task<TableMapping> MapAsync(MySqlConnection connection, TestDatabase db, string table)
    {
        var tables = await SchemaDiscovery.DiscoverAsync(connection, DiscoveryFilter.FromNames(includeTables: [db.Name + "." + table]));
        var source = Assert.Single(tables);
        return TypeMapper.MapTable(source, await TypeMapper.ObserveBooleanTinyIntsAsync(connection, source));
    }

    /// <summary>Every row of the table in canonical values, ordered by <paramref name="orderBy"/>.</summary>
    public static async Task<List<object?[]>> AllRowsAsync(MySqlConnection connection, TableMapping table, string orderBy)
    {
        var rows = new List<object?[]>();
        await using var command = new MySqlCommand(ValueNormalizer.SelectSql(table.Destination) + " ORDER BY " + orderBy, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(ValueNormalizer.ReadRow(reader, table.Destination));
        return rows;
    }
}
