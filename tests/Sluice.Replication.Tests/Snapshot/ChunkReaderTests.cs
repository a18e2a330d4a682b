using MySqlConnector;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Snapshot;

/// <summary>Keyset chunking against the real MariaDB, for every primary key type.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class ChunkReaderTests(MariaDbServer server)
{
    private Task<TestDatabase> DbAsync() => server.DatabaseForAsync(GetType());

    /// <summary>Reads the table chunk by chunk, persisting and decoding the last key between chunks like a restart would.</summary>
    private static async Task<(List<object?[]> Rows, List<SnapshotChunk> Chunks)> ReadInChunksAsync(
        MySqlConnection connection, TableMapping table, int chunkSize)
    {
        var rows = new List<object?[]>();
        var chunks = new List<SnapshotChunk>();
        string? saved = null;
        for (var guard = 0; guard < 10_000; guard++)
        {
            var chunk = await ChunkReader.ReadChunkAsync(connection, table, saved is null ? null : ChunkKeyCodec.Decode(saved), chunkSize);
            chunks.Add(chunk);
            rows.AddRange(chunk.Rows);
            if (chunk.IsLast) return (rows, chunks);
            saved = ChunkKeyCodec.Encode(chunk.LastKey!);
        }
        throw new InvalidOperationException("chunking did not end");
    }

    [Theory]
    [InlineData("INT", "-5, 0, 7, 2147483647, -2147483648")]
    [InlineData("BIGINT UNSIGNED", "0, 1, 9223372036854775807, 9223372036854775808, 18446744073709551615")]
    [InlineData("TINYINT(1)", "0, 1, 5, -3")]
    [InlineData("DECIMAL(30,10)", "'-1.5', '0', '12345678901234567890.0000000001', '12345678901234567890.0000000002', '0.0000000001'")]
    [InlineData("DECIMAL(65,30)", "'-99999999999999999999999999999999999.999999999999999999999999999999', '1.000000000000000000000000000001', '1.000000000000000000000000000002'")]
    [InlineData("FLOAT", "1.1, 1.2345678, -3.5, 0, 1e30")]
    [InlineData("DOUBLE", "0.1, 0.30000000000000004, 0.3, -1e308, 5e-324")]
    [InlineData("DATE", "'0000-00-00', '2021-02-30', '1000-01-01', '9999-12-31', '2024-06-01'")]
    [InlineData("DATETIME(3)", "'0000-00-00 00:00:00', '2024-06-01 12:00:00.001', '2024-06-01 12:00:00.002', '2024-06-01 12:00:00'")]
    [InlineData("TIMESTAMP(6)", "'1970-01-01 00:00:01', '2038-01-19 03:14:07.999999', '2024-03-31 01:30:00.5', '2024-03-31 01:30:00.500001'")]
    [InlineData("TIME(2)", "'-838:59:59', '-00:00:00.01', '00:00:00', '838:59:59', '24:00:00.5'")]
    [InlineData("YEAR", "1901, 2155, 0, 2000")]
    [InlineData("BIT(10)", "b'0', b'1', b'1111111111', b'1000000000'")]
    [InlineData("VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_german2_ci", "'Müller', 'Muller', 'Mueller2', 'mzz', 'a,b', 'Ä'")]
    [InlineData("VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", "'a', 'B', 'c ', '🎉', 'ä', ''")]
    [InlineData("VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "'a', 'B', 'A', 'b'")]
    [InlineData("CHAR(4) CHARACTER SET sjis", "'ｱ', '漢字', 'a', 'Z'")]
    [InlineData("BINARY(4)", "x'00', x'0000', x'61', x'ff', x'6100ff00'")]
    [InlineData("VARBINARY(8)", "x'', x'00', x'0000', x'ff', x'7f'")]
    [InlineData("ENUM('z','y','x')", "'x', 'z', 'y'")]
    [InlineData("SET('b','a')", "'', 'a', 'b', 'a,b'")]
    public async Task Every_key_type_chunks_every_row_exactly_once_in_key_order(string type, string values)
    {
        var db = await DbAsync();
        var name = "k_" + Guid.NewGuid().ToString("N")[..8];
        // The same values with two second-column values: composite keys exercise the OR expansion.
        var tuples = string.Join(", ", values.Split(", ").SelectMany(v => new[] { $"({v}, 1, 'x')", $"({v}, 2, 'y')" }));
        await db.ExecuteAsync($"""
            SET SESSION sql_mode = 'ALLOW_INVALID_DATES'; SET SESSION time_zone = '+00:00';
            CREATE TABLE {name}_single (k {type} NOT NULL PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB;
            CREATE TABLE {name}_pair (k {type} NOT NULL, n INT NOT NULL, v VARCHAR(10), PRIMARY KEY (k, n)) ENGINE=InnoDB;
            INSERT IGNORE INTO {name}_pair VALUES {tuples};
            INSERT IGNORE INTO {name}_single SELECT k, v FROM {name}_pair WHERE n = 1;
            """);

        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        foreach (var (table, order) in new[] { (name + "_single", "k"), (name + "_pair", "k, n") })
        {
            var mapping = await SourceMappings.MapAsync(connection, db, table);
            var expected = await SourceMappings.AllRowsAsync(connection, mapping, order);
            Assert.True(expected.Count >= 3, $"{table}: only {expected.Count} rows inserted");
            foreach (var size in new[] { 1, 2, 1000 })
            {
                var (rows, chunks) = await ReadInChunksAsync(connection, mapping, size);
                Assert.Equal(expected, rows);
                Assert.All(chunks.SkipLast(1), c => Assert.Equal(size, c.Rows.Count));
            }
        }
    }

    [Fact]
    public async Task Zero_dates_and_unsigned_values_in_the_key_round_trip_raw_while_rows_are_canonical()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            SET SESSION sql_mode = '';
            CREATE TABLE raw_keys (d DATETIME NOT NULL, u BIGINT UNSIGNED NOT NULL, PRIMARY KEY (d, u));
            INSERT INTO raw_keys VALUES ('0000-00-00 00:00:00', 18446744073709551615), ('1970-01-01 00:00:00', 1);
            """);
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, "raw_keys");

        var first = await ChunkReader.ReadChunkAsync(connection, mapping, null, 1);
        // The canonical key of the zero date is the epoch; the raw key is the zero date itself.
        Assert.Equal([new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), 18446744073709551615m], Assert.Single(first.Rows));
        Assert.Equal(["0000-00-00 00:00:00", ulong.MaxValue], first.LastKey);
        Assert.False(first.IsLast);

        // The epoch row (the same canonical key!) still follows: the raw key tells them apart.
        var second = await ChunkReader.ReadChunkAsync(connection, mapping, ChunkKeyCodec.Decode(ChunkKeyCodec.Encode(first.LastKey!)), 1);
        Assert.Equal([new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), 1m], Assert.Single(second.Rows));
        Assert.Equal(["1970-01-01 00:00:00", 1UL], second.LastKey);

        var third = await ChunkReader.ReadChunkAsync(connection, mapping, second.LastKey, 1);
        Assert.Empty(third.Rows);
        Assert.True(third.IsLast);
        Assert.Equal(second.LastKey, third.LastKey);
    }

    [Fact]
    public async Task Empty_tables_and_exact_multiples_of_the_chunk_size_end_cleanly()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE empty_t (id INT PRIMARY KEY);
            CREATE TABLE four (id INT PRIMARY KEY, v INT);
            INSERT INTO four VALUES (1, 10), (2, 20), (3, 30), (4, 40);
            """);
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);

        var empty = await ChunkReader.ReadChunkAsync(connection, await SourceMappings.MapAsync(connection, db, "empty_t"), null, 10);
        Assert.Equal(new SnapshotChunk([], null, true), empty with { Rows = [] });
        Assert.Empty(empty.Rows);

        var four = await SourceMappings.MapAsync(connection, db, "four");
        var a = await ChunkReader.ReadChunkAsync(connection, four, null, 2);
        var b = await ChunkReader.ReadChunkAsync(connection, four, a.LastKey, 2);
        var c = await ChunkReader.ReadChunkAsync(connection, four, b.LastKey, 2);
        Assert.Equal([[1L, 10L], [2L, 20L]], a.Rows);
        Assert.Equal([[3L, 30L], [4L, 40L]], b.Rows);
        Assert.Equal([2L], a.LastKey);
        Assert.Equal([4L], b.LastKey);
        Assert.False(a.IsLast || b.IsLast);
        Assert.Empty(c.Rows);
        Assert.True(c.IsLast);
        Assert.Equal([4L], c.LastKey);
    }

    [Fact]
    public async Task A_key_of_the_wrong_shape_is_rejected()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE shape (a INT, b VARCHAR(5), PRIMARY KEY (a, b)); CREATE TABLE nokey (a INT);");
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var shape = await SourceMappings.MapAsync(connection, db, "shape");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ChunkReader.ReadChunkAsync(connection, shape, [1L], 5));
        Assert.Contains("2-column primary key", ex.Message);
        ex = await Assert.ThrowsAsync<ArgumentException>(() => ChunkReader.ReadChunkAsync(connection, shape, [1L, "x"], 5));
        Assert.Contains("column b", ex.Message);

        var nokey = await SourceMappings.MapAsync(connection, db, "nokey");
        await Assert.ThrowsAsync<InvalidOperationException>(() => ChunkReader.ReadChunkAsync(connection, nokey, null, 5));
    }

    [Fact]
    public async Task Chunk_queries_are_primary_key_range_scans()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE ranged (a INT NOT NULL, b VARCHAR(20) CHARACTER SET latin1 NOT NULL, c DECIMAL(20,4) NOT NULL,
                                 d DATETIME NOT NULL, v INT, PRIMARY KEY (a, b, c, d));
            INSERT INTO ranged SELECT seq % 50, CONCAT('x', seq % 7), seq / 3, '2020-01-01' + INTERVAL seq HOUR, seq FROM seq_1_to_5000;
            ANALYZE TABLE ranged;
            """);
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, "ranged");
        var first = await ChunkReader.ReadChunkAsync(connection, mapping, null, 700);

        await using var explain = new MySqlCommand("EXPLAIN " + ChunkReader.BuildChunkSql(mapping, afterKey: true, 700), connection);
        for (var i = 0; i < first.LastKey!.Length; i++) explain.Parameters.AddWithValue("@k" + i, first.LastKey[i]);
        await using var reader = await explain.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("range", reader.GetString(reader.GetOrdinal("type")));
        Assert.Equal("PRIMARY", reader.GetString(reader.GetOrdinal("key")));
    }

    [Fact]
    public async Task A_table_without_primary_key_streams_in_batches_from_one_consistent_snapshot_without_locks()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE heap (description VARCHAR(20), quantity INT) ENGINE=InnoDB;
            INSERT INTO heap SELECT CONCAT('item ', seq), seq FROM seq_1_to_10;
            INSERT INTO heap VALUES ('item 1', 1);
            """);
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, "heap");
        var before = await SourceMappings.AllRowsAsync(connection, mapping, "quantity, description");

        var batches = new List<IReadOnlyList<object?[]>>();
        await foreach (var batch in ChunkReader.ReadWholeTableAsync(connection, mapping, 3))
        {
            if (batches.Count == 0)
            {
                // Writers are not blocked while the snapshot is open (no locks), and their changes are not seen.
                await db.ExecuteAsync("""
                    SET SESSION innodb_lock_wait_timeout = 1;
                    UPDATE heap SET quantity = 100 WHERE quantity = 10;
                    DELETE FROM heap WHERE quantity = 9;
                    INSERT INTO heap VALUES ('late', 11);
                    """);
            }
            batches.Add(batch);
        }
        Assert.Equal([3, 3, 3, 2], batches.Select(b => b.Count));
        var rows = batches.SelectMany(b => b).OrderBy(r => (long)r[1]!).ThenBy(r => (string)r[0]!, StringComparer.Ordinal).ToList();
        Assert.Equal(before, rows);

        // The transaction ended with the enumeration: the connection sees the new state.
        var after = await SourceMappings.AllRowsAsync(connection, mapping, "quantity, description");
        Assert.Contains(after, r => (long)r[1]! == 100);
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT @@in_transaction"));
    }

    [Fact]
    public async Task An_abandoned_whole_table_read_rolls_back_its_transaction()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE heap2 (v INT); INSERT INTO heap2 SELECT seq FROM seq_1_to_20;");
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var mapping = await SourceMappings.MapAsync(connection, db, "heap2");
        await foreach (var batch in ChunkReader.ReadWholeTableAsync(connection, mapping, 5))
        {
            Assert.Equal(5, batch.Count);
            break;
        }
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT @@in_transaction"));
    }

    private static async Task<long> ScalarAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
