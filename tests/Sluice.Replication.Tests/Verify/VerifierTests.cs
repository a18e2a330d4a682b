using DuckDB.NET.Data;
using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;
using Sluice.Replication.Verify;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Verify;

/// <summary>A real MariaDB source snapshotted into a real DuckDB file, verified, then corrupted on purpose.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class VerifierTests(MariaDbServer server) : IDisposable
{
    private readonly TempDuckDbFile _file = new();

    public void Dispose() => _file.Dispose();

    private async Task<(TestDatabase Db, MySqlConnection Source, List<TableMapping> Tables)> SnapshotAsync()
    {
        var db = await server.CreateDatabaseAsync("verify");
        await db.ExecuteAsync("""
            SET SESSION sql_mode = 'ALLOW_INVALID_DATES'; SET SESSION time_zone = '+00:00';
            CREATE TABLE items (
              id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2), big DECIMAL(65,30), u BIGINT UNSIGNED,
              f FLOAT, d DOUBLE, flag TINYINT(1), b1 BIT(1), b5 BIT(5), y YEAR, dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL,
              t TIME(2), bin BINARY(4), blb BLOB, j JSON, e ENUM('a','b'), s SET('x','y'), g POINT, txt TEXT CHARACTER SET latin1);
            INSERT INTO items VALUES
              (1, 'a', 1.50, '-12.500000000000000000000000000001', 18446744073709551615, 1.1, 0.1, 1, b'1', b'10101', 2024,
               '2024-02-29', '2024-06-01 12:00:00.123456', '2024-06-01 12:00:00.250', '-838:59:59', x'6100', x'00ff',
               '{"a":  [1, 2]}', 'b', 'x,y', ST_GeomFromText('POINT(1 2)'), 'Müller'),
              (2, 'b', NULL, NULL, 0, NULL, NULL, 0, b'0', NULL, NULL, '0000-00-00', '2021-02-30 00:00:00', NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL),
              (3, 'c', 3.00, '0', 1, -1.5, 1e300, NULL, NULL, b'0', 1901, '1000-01-01', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '00:00:00', x'', x'', '[]', 'a', 'y', NULL, ''),
              (4, 'd', 4.00, NULL, NULL, NULL, NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (5, 'e', 5.00, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            CREATE TABLE order_lines (order_id BIGINT NOT NULL, sku VARCHAR(10) NOT NULL, qty INT, PRIMARY KEY (order_id, sku));
            INSERT INTO order_lines VALUES (1, 'A', 1), (1, 'b', 2), (2, 'A', 3);
            CREATE TABLE products (description VARCHAR(20), quantity INT);
            INSERT INTO products VALUES ('Shrink-ray gun', 1), ('Shrink-ray gun', 1), ('Cookie robot', 2), ('Boogie robot', 3);
            """);

        var source = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var discovered = await SchemaDiscovery.DiscoverAsync(source, DiscoveryFilter.FromNames(includeSchemas: [db.Name]));
        var tables = new List<TableMapping>();
        foreach (var table in discovered)
        {
            tables.Add(TypeMapper.MapTable(table, await TypeMapper.ObserveBooleanTinyIntsAsync(source, table)));
        }

        await using var destination = await DuckDbDestination.OpenAsync(_file.Path);
        foreach (var table in tables)
        {
            if (table.Source.HasPrimaryKey)
            {
                object?[]? last = null;
                for (var n = 0; ; n++)
                {
                    var chunk = await ChunkReader.ReadChunkAsync(source, table, last, 2);
                    await destination.WriteSnapshotChunkAsync(table.Destination, chunk.Rows, "snapshot:" + n);
                    if (chunk.IsLast) break;
                    last = chunk.LastKey;
                }
            }
            else
            {
                await foreach (var batch in ChunkReader.ReadWholeTableAsync(source, table, 2))
                {
                    await destination.WriteSnapshotChunkAsync(table.Destination, batch, "snapshot:" + Guid.NewGuid());
                }
            }
        }
        return (db, source, tables);
    }

    private TableMapping Table(List<TableMapping> tables, string name) => tables.Single(t => t.Source.Id.Name == name);

    private void Corrupt(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=" + _file.Path);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task A_snapshot_verifies_clean_for_every_type()
    {
        var (db, source, tables) = await SnapshotAsync();
        await using var _ = source;
        await using var destination = await DatabaseVerifier.OpenReadOnlyAsync(_file.Path);
        var report = await DatabaseVerifier.VerifyAsync(source, destination, tables);
        Assert.True(report.IsClean, report.ToText());
        var items = report.Tables.Single(t => t.Table.Name == "items");
        Assert.Equal((5L, 5L, 5L, 0L), (items.SourceRows, items.SourceDistinctRows, items.DestinationLiveRows, items.DestinationDeletedRows));
        var products = report.Tables.Single(t => t.Table.Name == "products");
        Assert.Equal((4L, 3L, 3L), (products.SourceRows, products.SourceDistinctRows, products.DestinationLiveRows));
        Assert.Contains($"OK      {db.Name}.products: source 4 (3 distinct) rows, destination 3 live + 0 deleted", report.ToText());
        Assert.EndsWith("verified 3 tables: 3 identical, 0 different, 0 not comparable" + Environment.NewLine, report.ToText());

        // The discovering overload maps the same way.
        var rediscovered = await DatabaseVerifier.VerifyAsync(source, destination, DiscoveryFilter.FromNames(includeSchemas: [db.Name]));
        Assert.True(rediscovered.IsClean, rediscovered.ToText());
    }

    [Fact]
    public async Task Each_corruption_of_a_primary_key_table_is_reported_exactly()
    {
        var (db, source, tables) = await SnapshotAsync();
        await using var _ = source;
        var items = $"\"{db.Name}\".items";
        Corrupt($"""
            DELETE FROM {items} WHERE id = 2;
            UPDATE {items} SET name = 'changed', price = 3.01 WHERE id = 3;
            INSERT INTO {items} (id, name, _fivetran_deleted) VALUES (99, 'ghost', FALSE), (98, 'gone', TRUE);
            UPDATE {items} SET _fivetran_deleted = TRUE WHERE id = 4;
            UPDATE "{db.Name}".order_lines SET qty = 20 WHERE order_id = 1 AND sku = 'b';
            """);

        await using var destination = await DatabaseVerifier.OpenReadOnlyAsync(_file.Path);
        var result = await TableVerifier.VerifyAsync(source, destination, Table(tables, "items"));
        Assert.False(result.IsClean);
        Assert.Null(result.Error);
        Assert.Equal((5L, 4L, 2L), (result.SourceRows, result.DestinationLiveRows, result.DestinationDeletedRows));
        Assert.Equal((2L, 1L, 1L, 0L), (result.MissingCount, result.ExtraCount, result.DifferentCount, result.DuplicateCount));
        Assert.Equal(
            new[]
            {
                "missing (2): absent from the destination",
                "missing (4): marked _fivetran_deleted in the destination",
                "extra (99): not in the source",
                "different (3): name: source 'c', destination 'changed'; price: source 3.00, destination 3.01",
            }.Order(StringComparer.Ordinal),
            result.Differences.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(new RowKey(2L), result.Of(DifferenceKind.Missing).First().Key);

        var lines = await TableVerifier.VerifyAsync(source, destination, Table(tables, "order_lines"));
        Assert.Equal("different (1, 'b'): qty: source 2, destination 20", Assert.Single(lines.Differences).ToString());

        var report = await DatabaseVerifier.VerifyAsync(source, destination, tables);
        var text = report.ToText();
        Assert.Contains($"DIFFERS {db.Name}.items: source 5 rows, destination 4 live + 2 deleted; missing 2, extra 1, different 1, duplicated 0", text);
        Assert.Contains("        extra (99): not in the source", text);
        Assert.Contains("verified 3 tables: 1 identical, 2 different, 0 not comparable", text);
    }

    [Fact]
    public async Task Each_corruption_of_a_table_without_primary_key_is_reported_by_fivetran_id()
    {
        var (db, source, tables) = await SnapshotAsync();
        await using var _ = source;
        var products = $"\"{db.Name}\".products";
        var types = new[] { DestinationTypeKind.String, DestinationTypeKind.Integer };
        string Id(string description, long quantity) => CanonicalValues.Hash([description, quantity], types);
        Corrupt($"""
            DELETE FROM {products} WHERE description = 'Boogie robot';
            UPDATE {products} SET quantity = 7 WHERE description = 'Cookie robot';
            UPDATE {products} SET _fivetran_deleted = TRUE WHERE description = 'Shrink-ray gun';
            INSERT INTO {products} VALUES ('Extra', 5, now(), FALSE, '{Id("Extra", 5)}', 100);
            """);

        await using var destination = await DatabaseVerifier.OpenReadOnlyAsync(_file.Path);
        var result = await TableVerifier.VerifyAsync(source, destination, Table(tables, "products"), new VerifyOptions { MaxListed = 5 });
        Assert.Equal((4L, 3L, 2L, 1L), (result.SourceRows, result.SourceDistinctRows, result.DestinationLiveRows, result.DestinationDeletedRows));
        Assert.Equal((2L, 1L, 1L), (result.MissingCount, result.ExtraCount, result.DifferentCount));
        Assert.Equal(
            new[]
            {
                $"missing ('{Id("Boogie robot", 3)}'): absent from the destination",
                $"missing ('{Id("Shrink-ray gun", 1)}'): marked _fivetran_deleted in the destination",
                $"extra ('{Id("Extra", 5)}'): not in the source",
                $"different ('{Id("Cookie robot", 2)}'): quantity: source 2, destination 7 (_fivetran_id no longer matches the values)",
            }.Order(StringComparer.Ordinal),
            result.Differences.Select(d => d.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Duplicated_keys_missing_tables_and_columns_are_reported()
    {
        var (db, source, tables) = await SnapshotAsync();
        await using var _ = source;
        // A destination rebuilt without its primary key constraint, holding key 1 twice.
        Corrupt($"""
            CREATE TABLE "{db.Name}".lines_copy AS SELECT * FROM "{db.Name}".order_lines;
            DROP TABLE "{db.Name}".order_lines;
            ALTER TABLE "{db.Name}".lines_copy RENAME TO order_lines;
            INSERT INTO "{db.Name}".order_lines SELECT * FROM "{db.Name}".order_lines WHERE order_id = 2;
            DROP TABLE "{db.Name}".products;
            ALTER TABLE "{db.Name}".items DROP COLUMN txt;
            """);

        await using var destination = await DatabaseVerifier.OpenReadOnlyAsync(_file.Path);
        var report = await DatabaseVerifier.VerifyAsync(source, destination, tables, new VerifyOptions { MaxListed = 1 });
        var lines = report.Tables.Single(t => t.Table.Name == "order_lines");
        Assert.Equal(1L, lines.DuplicateCount);
        Assert.Equal("duplicate (2, 'A'): more than one destination row", Assert.Single(lines.Differences).ToString());

        var products = report.Tables.Single(t => t.Table.Name == "products");
        Assert.Equal($"destination table \"{db.Name}\".\"products\" does not exist", products.Error);
        Assert.Equal(3L, products.MissingCount);
        var items = report.Tables.Single(t => t.Table.Name == "items");
        Assert.Equal("destination table lacks column(s) txt", items.Error);
        Assert.Contains("... and 4 more missing", report.ToText());
        Assert.Contains("verified 3 tables: 0 identical, 1 different, 2 not comparable", report.ToText());
    }

    [Fact]
    public async Task Source_changes_after_the_snapshot_show_up_and_hashed_columns_compare_hashed()
    {
        var (db, source, tables) = await SnapshotAsync();
        await using var _ = source;
        await db.ExecuteAsync("UPDATE order_lines SET qty = 9 WHERE sku = 'A' AND order_id = 2; DELETE FROM order_lines WHERE sku = 'b'");
        await using (var destination = await DatabaseVerifier.OpenReadOnlyAsync(_file.Path))
        {
            var lines = await TableVerifier.VerifyAsync(source, destination, Table(tables, "order_lines"));
            Assert.Equal(
                ["extra (1, 'b'): not in the source", "different (2, 'A'): qty: source 9, destination 3"],
                lines.Differences.Select(d => d.ToString()));
        }

        // A destination written with column hashing verifies clean only with the same hashing.
        var hashing = new ColumnHashing("salt"u8.ToArray(), [$"{db.Name}.order_lines.sku"]);
        var hashedPath = _file.Path + ".hashed";
        try
        {
            var table = Table(tables, "order_lines");
            await using (var hashed = await DuckDbDestination.OpenAsync(hashedPath, new DestinationOptions { Hashing = hashing }))
            {
                var chunk = await ChunkReader.ReadChunkAsync(source, table, null, 100);
                await hashed.WriteSnapshotChunkAsync(table.Destination, chunk.Rows, "s");
            }
            await using var destination = await DatabaseVerifier.OpenReadOnlyAsync(hashedPath);
            Assert.True((await TableVerifier.VerifyAsync(source, destination, table, new VerifyOptions { Hashing = hashing })).IsClean);
            Assert.Equal(2L, (await TableVerifier.VerifyAsync(source, destination, table)).MissingCount);
        }
        finally
        {
            File.Delete(hashedPath);
            File.Delete(hashedPath + ".wal");
        }
    }
}
