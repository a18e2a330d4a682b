using System.Globalization;
using MySqlConnector;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Snapshot;

/// <summary>
/// The fast snapshot reader against the real MariaDB: for every type it reads, the rows must be exactly those of
/// <see cref="ChunkReader"/> (same values, same .NET types, same decimal scale, same DateTime kind), chunk by chunk.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class TextChunkReaderTests(MariaDbServer server)
{
    private Task<TestDatabase> DbAsync() => server.DatabaseForAsync(GetType());

    /// <summary>A value as text that tells apart what object equality does not (1.5m and 1.50m, DateTime kinds, boxed types).</summary>
    private static string Exact(object? value) => value switch
    {
        null => "null",
        DateTime d => $"DateTime:{d.Ticks}:{d.Kind}",
        IFormattable f => $"{value.GetType().Name}:{f.ToString(null, CultureInfo.InvariantCulture)}",
        _ => $"{value.GetType().Name}:{value}",
    };

    private static List<string> Exact(IEnumerable<object?[]> rows) => rows.Select(r => string.Join(" | ", r.Select(Exact))).ToList();

    private static async Task<(List<object?[]> Rows, List<object?[]?> Keys)> ReadAllAsync(Func<object?[]?, Task<SnapshotChunk>> read)
    {
        var rows = new List<object?[]>();
        var keys = new List<object?[]?>();
        object?[]? last = null;
        for (var guard = 0; guard < 10_000; guard++)
        {
            var chunk = await read(last);
            rows.AddRange(chunk.Rows);
            keys.Add(chunk.LastKey);
            if (chunk.IsLast) return (rows, keys);
            last = chunk.LastKey;
        }
        throw new InvalidOperationException("chunking did not end");
    }

    [Fact]
    public async Task Every_supported_type_and_edge_value_reads_exactly_as_the_MySqlConnector_reader_does()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            SET SESSION sql_mode = 'ALLOW_INVALID_DATES'; SET SESSION time_zone = '+00:00';
            CREATE TABLE every_type (
              a BIGINT NOT NULL, b INT NOT NULL,
              t TINYINT, s SMALLINT, m MEDIUMINT, i INT, iu INT UNSIGNED, mu MEDIUMINT UNSIGNED, bg BIGINT,
              flag TINYINT(1), notflag TINYINT(1),
              d28 DECIMAL(28,10), d12 DECIMAL(12,2), d5 DECIMAL(5,0) UNSIGNED, n NUMERIC(10,4),
              dt DATE, dtm DATETIME, dt6 DATETIME(6), dt3 DATETIME(3), ts TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL,
              c CHAR(5), vl VARCHAR(20) CHARACTER SET latin1, vu VARCHAR(20) CHARACTER SET utf8mb4, vs CHAR(4) CHARACTER SET sjis,
              tx TEXT, mt MEDIUMTEXT, lt LONGTEXT CHARACTER SET utf8mb3, tt TINYTEXT,
              PRIMARY KEY (a, b)) ENGINE=InnoDB;
            INSERT INTO every_type VALUES
              (-9223372036854775808, -2147483648, -128, -32768, -8388608, -2147483648, 0, 0, -9223372036854775808,
               0, -5, '-999999999999999999.9999999999', '-9999999999.99', 0, '-999999.9999',
               '0000-00-00', '0000-00-00 00:00:00', '2021-02-30 10:00:00.000001', '1000-01-01 00:00:00.5', NULL, '1970-01-01 00:00:01.000001',
               '', '', '', '', '', '', '', ''),
              (0, 0, 127, 32767, 8388607, 2147483647, 4294967295, 16777215, 9223372036854775807,
               1, 5, '999999999999999999.9999999999', '9999999999.99', 99999, '0.0001',
               '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2024-02-29 12:00:00.120', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999',
               'abc', 'Müller ß', '🎉 ä 漢字', 'ｱ漢', REPEAT('x', 3000), 'line\nbreak\ttab', 'back\\slash ''quote''', 'NUL\0byte'),
              (0, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (7, -3, 1, 2, 3, 4, 5, 6, 7, 1, 1, '1.5000000000', '2.50', 3, '4.0400',
               '2024-06-01', '2024-06-01 00:00:00', '2024-06-01 00:00:00.000000', '2024-06-01 00:00:00.000', '2024-06-01 00:00:00', '2024-06-01 00:00:00.100000',
               'a    ', 'trailing  ', ' lead', 'Z', 'x', 'y', 'z', 'w');
            """);

        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, "every_type");
        Assert.True(TextChunkReader.Supports(mapping));
        Assert.Equal(DestinationTypeKind.Boolean, mapping.Destination.Columns.Single(c => c.Name == "flag").Type.Kind);

        var expected = await SourceMappings.AllRowsAsync(connection, mapping, "a, b");
        Assert.Equal(4, expected.Count);
        await using var text = await TextChunkReader.OpenAsync(db.ReplicationConnectionString);
        foreach (var size in new[] { 1, 3, 1000 })
        {
            var ours = await ReadAllAsync(last => text.ReadChunkAsync(mapping, last, size));
            var theirs = await ReadAllAsync(last => ChunkReader.ReadChunkAsync(connection, mapping, last, size));
            Assert.Equal(Exact(expected), Exact(ours.Rows));
            Assert.Equal(Exact(theirs.Rows), Exact(ours.Rows));
            Assert.Equal(theirs.Keys, ours.Keys);
        }
    }

    [Theory]
    [InlineData("id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT")]
    [InlineData("id VARCHAR(10) NOT NULL PRIMARY KEY, v INT")]
    [InlineData("id INT NOT NULL PRIMARY KEY, f FLOAT")]
    [InlineData("id INT NOT NULL PRIMARY KEY, f DOUBLE")]
    [InlineData("id INT NOT NULL PRIMARY KEY, b BLOB")]
    [InlineData("id INT NOT NULL PRIMARY KEY, b VARBINARY(4)")]
    [InlineData("id INT NOT NULL PRIMARY KEY, d DECIMAL(30,2)")]
    [InlineData("id INT NOT NULL PRIMARY KEY, t TIME")]
    [InlineData("id INT NOT NULL PRIMARY KEY, y YEAR")]
    [InlineData("id INT NOT NULL PRIMARY KEY, e ENUM('a','b')")]
    [InlineData("id INT NOT NULL PRIMARY KEY, j JSON")]
    [InlineData("id INT NOT NULL PRIMARY KEY, bi BIGINT UNSIGNED")]
    [InlineData("id INT NOT NULL PRIMARY KEY, g GEOMETRY")]
    [InlineData("id INT, v INT")]
    public async Task Other_tables_are_left_to_the_MySqlConnector_reader(string columns)
    {
        var db = await DbAsync();
        var name = "o_" + Guid.NewGuid().ToString("N")[..8];
        await db.ExecuteAsync($"CREATE TABLE {name} ({columns})");
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, name);
        Assert.False(TextChunkReader.Supports(mapping));
        await using var text = await TextChunkReader.OpenAsync(db.ReplicationConnectionString);
        await Assert.ThrowsAsync<NotSupportedException>(() => text.ReadChunkAsync(mapping, null, 10));
    }

    [Fact]
    public async Task A_last_key_that_is_not_signed_integers_is_refused()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE k (id INT NOT NULL PRIMARY KEY, v VARCHAR(5)); INSERT INTO k VALUES (1, 'a'), (2, 'b')");
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, "k");
        await using var text = await TextChunkReader.OpenAsync(db.ReplicationConnectionString);
        await Assert.ThrowsAsync<ArgumentException>(() => text.ReadChunkAsync(mapping, ["1; DROP TABLE k"], 10));
        var after = await text.ReadChunkAsync(mapping, [1L], 10);
        Assert.Equal([[2L, "b"]], after.Rows);
        Assert.True(after.IsLast);
    }

    [Fact]
    public async Task A_query_error_names_the_server_error_and_the_connection_stays_usable()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE gone (id INT NOT NULL PRIMARY KEY, v INT); INSERT INTO gone VALUES (1, 1)");
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, "gone");
        await using var text = await TextChunkReader.OpenAsync(db.ReplicationConnectionString);
        await db.ExecuteAsync("DROP TABLE gone");
        var error = await Assert.ThrowsAsync<Sluice.Binlog.Protocol.BinlogServerException>(() => text.ReadChunkAsync(mapping, null, 10));
        Assert.Equal(1146, error.ErrorCode);
        await db.ExecuteAsync("CREATE TABLE gone (id INT NOT NULL PRIMARY KEY, v INT); INSERT INTO gone VALUES (3, 4)");
        Assert.Equal([[3L, 4L]], (await text.ReadChunkAsync(mapping, null, 10)).Rows);
    }
}
