using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Mapping;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Replication.Tests.Changes;

/// <summary>
/// Equivalence of the two paths into the canonical model: rows inserted into the live MariaDB, read by the snapshot
/// (ValueNormalizer over MySqlConnector) and streamed from the binlog (BinlogClient + BinlogRowConverter), must give
/// the same canonical rows, value by value (same .NET type, same value). Run on a server logging FULL row metadata and
/// on one with the server's defaults (no charsets, signedness, names or labels in TABLE_MAP), with the same expectations.
/// </summary>
public abstract class BinlogRowConverterEquivalenceTests(MariaDbServer server, ITestOutputHelper output)
{
    protected MariaDbServer Server => server;

    /// <summary>Every mapped type (and one skipped type, MariaDB's UUID, in the middle of the table).</summary>
    private static readonly (string Name, string Type)[] Columns =
    [
        ("ti", "TINYINT"), ("tiu", "TINYINT UNSIGNED"), ("si", "SMALLINT"), ("siu", "SMALLINT UNSIGNED"),
        ("mi", "MEDIUMINT"), ("miu", "MEDIUMINT UNSIGNED"), ("i", "INT"), ("iu", "INT UNSIGNED"),
        ("bi", "BIGINT"), ("biu", "BIGINT UNSIGNED"),
        ("dec65", "DECIMAL(65,30)"), ("dec10", "DECIMAL(10,2)"), ("dec0", "DECIMAL(20,0) UNSIGNED"), ("dec5", "DECIMAL(5,5)"),
        ("f", "FLOAT"), ("d", "DOUBLE"),
        ("b1", "BIT(1)"), ("b64", "BIT(64)"), ("b13", "BIT(13)"),
        ("bool1", "TINYINT(1)"), ("bool1u", "TINYINT(1) UNSIGNED"), ("notbool", "TINYINT(1)"),
        ("y", "YEAR"),
        ("skipped_uuid", "UUID"),
        ("dt", "DATE"), ("dtm", "DATETIME"), ("dtm3", "DATETIME(3)"), ("dtm6", "DATETIME(6)"),
        ("ts", "TIMESTAMP(6) NULL"), ("ts0", "TIMESTAMP NULL"),
        ("tm", "TIME"), ("tm2", "TIME(2)"), ("tm6", "TIME(6)"),
        ("c", "CHAR(10)"), ("vc", "VARCHAR(300)"), ("ttx", "TINYTEXT"), ("tx", "TEXT"), ("mtx", "MEDIUMTEXT"), ("ltx", "LONGTEXT"),
        ("bin", "BINARY(4)"), ("vb", "VARBINARY(20)"), ("tbl", "TINYBLOB"), ("bl", "BLOB"), ("lbl", "LONGBLOB"),
        ("e", "ENUM('small','medium','large')"), ("s", "SET('a','b','c','d')"),
        ("j", "JSON"),
        ("g", "GEOMETRY"), ("pt", "POINT"), ("ls", "LINESTRING"), ("pg", "POLYGON"), ("mpt", "MULTIPOINT"),
        ("mls", "MULTILINESTRING"), ("mpg", "MULTIPOLYGON"), ("gc", "GEOMETRYCOLLECTION"),
    ];

    private static readonly string[] Rows =
    [
        // Minimums and negative values.
        "(1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, " +
        "'-99999999999999999999999999999999999.999999999999999999999999999999', '-99999999.99', 0, '-0.99999', " +
        "-3.40282e38, -1.7976931348623157e308, b'0', b'0', b'0', 0, 0, -128, 1901, NULL, " +
        "'1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.001', '1000-01-01 00:00:00.000001', " +
        "'1970-01-01 00:00:01.000000', '1970-01-01 00:00:01', '-838:59:59', '-838:59:59.99', '-00:00:00.000001', " +
        "'', '', '', '', '', '', 0x00000000, X'', X'', X'', X'', 'small', '', '[]', " +
        "ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(-1.5 2.25)'), ST_GeomFromText('LINESTRING(0 0,1 1)'), " +
        "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), ST_GeomFromText('MULTIPOINT(1 2)'), " +
        "ST_GeomFromText('MULTILINESTRING((0 0,1 1))'), ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))'), " +
        "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2))'))",
        // Maximums.
        "(2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, " +
        "'99999999999999999999999999999999999.999999999999999999999999999999', '99999999.99', 99999999999999999999, '0.99999', " +
        "3.40282e38, 1.7976931348623157e308, b'1', b'1111111111111111111111111111111111111111111111111111111111111111', " +
        "b'1111111111111', 1, 1, 127, 2155, '123e4567-e89b-12d3-a456-426614174000', " +
        "'9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', " +
        "'9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '2038-01-19 03:14:07', '838:59:59', '838:59:59.99', " +
        "'838:59:59.000000', 'abcdefghij', REPEAT('v', 300), REPEAT('t', 255), REPEAT('x', 65535), REPEAT('m', 70000), " +
        "REPEAT('L', 100000), 0xFFFFFFFF, 0xDEADBEEF00FF, REPEAT(0xCD, 255), REPEAT(0xAB, 65535), REPEAT(0x01, 200000), " +
        "'large', 'a,b,c,d', '{\"k\": [1, 2.5, \"s\", null, true, {\"n\": -1}], \"é\": \"😀\"}', " +
        "ST_GeomFromText('POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))'), ST_GeomFromText('POINT(180 -90)', 4326), " +
        "ST_GeomFromText('LINESTRING(0 0,1 1,2 4,-1.25 1e10)'), ST_GeomFromText('POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))'), " +
        "ST_GeomFromText('MULTIPOINT(1 2,3 4,-5 -6)'), ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3 3))'), " +
        "ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))'), " +
        "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1),POLYGON((0 0,1 0,1 1,0 0)))'))",
        // Ordinary values, zero dates and the odd cases.
        "(3, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, '0.000000000000000000000000000001', '0.01', 1, '0.00001', 1.1, 0.1, b'1', b'1010', " +
        "b'1000000000001', 1, 0, 5, 0, NULL, '0000-00-00', '0000-00-00 00:00:00', '2024-02-29 12:34:56.5', '2024-02-29 12:34:56.000001', " +
        "'0000-00-00 00:00:00', '2024-02-29 12:34:56', '00:00:00', '100:00:00.5', '-01:02:03.040506', 'x ', " +
        "'it''s \"quoted\" \\\\ back\\nslash', 'tab\\there', ' lead', 'ünïcödé ☃', '😀 𝄞', 0x0102, 0x00, 0x00, 0x7F00, 0x0000, " +
        "'medium', 'b,d', '\"just a string\"', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        // Invalid (not zero) dates and negative TIME beyond 24 hours.
        "(4, -1, 128, -1, 32768, -1, 8388608, -1, 2147483648, -1, 9223372036854775808, '-0.000000000000000000000000000001', " +
        "'-0.01', 12345678901234567890, '0.00000', -0.0, -0.0, b'0', b'10000000000000000000000000000000000000000000000000000000000000', " +
        "b'0000000000001', NULL, NULL, -1, 1999, NULL, '2021-02-30', '2021-00-10 10:00:00', '2021-04-31 00:00:00.5', " +
        "'2021-13-01 00:00:00', NULL, '1999-12-31 23:59:59', '-25:00:00', '-100:59:59.01', '24:00:00.999999', " +
        "'', ' ', 'a', 'b', 'c', 'd', 0x61000000, 0x0001, 0xFF, 0x00FF00, 0xEE, NULL, '', '{}', NULL, NULL, NULL, NULL, NULL, " +
        "NULL, NULL, NULL)",
        // NULL in every nullable column.
        "(5, " + string.Join(", ", Enumerable.Repeat("NULL", 55)) + ")",
    ];

    [Fact]
    public async Task Every_type_and_edge_value_converts_like_the_snapshot()
    {
        var db = await server.DatabaseForAsync(GetType());
        Assert.Equal(55, Columns.Length);
        await db.ExecuteAsync($"CREATE TABLE every_type (id INT PRIMARY KEY, {string.Join(", ", Columns.Select(c => $"`{c.Name}` {c.Type}"))})");
        var start = await BinlogChanges.PositionAsync(server);
        await using (var connection = new MySqlConnection(db.RootConnectionString))
        {
            await connection.OpenAsync();
            await using var mode = new MySqlCommand("SET SESSION sql_mode = 'ALLOW_INVALID_DATES', time_zone = '+00:00'", connection);
            await mode.ExecuteNonQueryAsync();
            foreach (var row in Rows)
            {
                await using var insert = new MySqlCommand("INSERT INTO every_type VALUES " + row, connection);
                await insert.ExecuteNonQueryAsync();
            }
        }

        var mapping = await BinlogChanges.MapAsync(db, "every_type");
        Assert.True(mapping.Columns.Single(c => c.Source.Name == "skipped_uuid").IsSkipped);
        Assert.Equal(DestinationType.Boolean, Type(mapping, "bool1"));
        Assert.Equal(DestinationType.Boolean, Type(mapping, "bool1u"));
        Assert.Equal(DestinationType.Integer, Type(mapping, "notbool"));
        Assert.Equal(DestinationType.Json, Type(mapping, "j"));
        Assert.Equal(DestinationTypeKind.BigDecimal, Type(mapping, "biu").Kind);

        var compared = await AssertEquivalentAsync(db, mapping, start, "every_type", Rows.Length);
        Assert.Equal(Rows.Length * Columns.Length, compared); // id included, the skipped UUID column not
        output.WriteLine($"{compared} values compared ({Columns.Length - 1} mapped types + id, {Rows.Length} rows)");
    }

    [Fact]
    public async Task Zero_and_invalid_dates_in_the_primary_key_become_the_epoch()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("""
            CREATE TABLE zero_keys (id INT NOT NULL, d DATE NOT NULL, dt DATETIME(6) NOT NULL,
                                    ts TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00', v DATE NULL,
                                    PRIMARY KEY (id, d, dt, ts))
            """);
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("""
            SET SESSION sql_mode = 'ALLOW_INVALID_DATES', time_zone = '+00:00';
            INSERT INTO zero_keys VALUES
              (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00'),
              (2, '2021-02-30', '2021-00-10 10:00:00.5', '2001-02-03 04:05:06', '2021-02-30'),
              (3, '2024-02-29', '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07', '2024-02-29');
            """);
        var mapping = await BinlogChanges.MapAsync(db, "zero_keys");
        await AssertEquivalentAsync(db, mapping, start, "zero_keys", 3);
    }

    /// <summary>Sample text per supported charset (the whole list; gb18030 is missing from MariaDB).</summary>
    private static readonly (string Charset, string Sample)[] Samples =
    [
        ("ascii", "Plain ASCII ~!@#"), ("big5", "繁體中文測試"), ("cp1250", "Zażółć gęślą jaźń"), ("cp1251", "Съешь же ещё"),
        ("cp1256", "مرحبا بالعالم"), ("cp1257", "Ąčęėįšųūž ķļņ"), ("cp850", "Ça été déjà ÀÉÎ"), ("cp852", "Łódź Škoda ő"),
        ("cp866", "Привет мир"), ("cp932", "日本語テキスト①ｶﾅ"), ("euckr", "한국어 텍스트"), ("gb18030", "中文 𠀀 €"),
        ("gb2312", "简体中文测试"), ("gbk", "简体中文測試"), ("greek", "Καλημέρα κόσμε"), ("hebrew", "שלום עולם"),
        ("koi8r", "Привет мир"), ("koi8u", "Привіт Україна ґ"), ("latin1", "Café € ÿ Œ"), ("latin2", "Zażółć Ťť"),
        ("latin5", "İstanbul ğış"), ("latin7", "Ąčę ķļņ žš"), ("macce", "Łódź ě"), ("macroman", "Café ƒ π"),
        ("sjis", "日本語テキスト"), ("tis620", "สวัสดีชาวโลก"), ("ucs2", "Ünïcödé ☃ Ω"), ("utf16", "Emoji 😀 ☃"),
        ("utf16le", "Emoji 😀 ☃"), ("utf32", "Emoji 😀 ☃"), ("utf8mb3", "Ünïcödé ☃ Ω"), ("utf8mb4", "Emoji 😀 ☃ 𝄞"),
    ];

    /// <summary>
    /// The sample as an ENUM label. Without row metadata the stream knows labels only from information_schema, which
    /// shows characters outside the Basic Multilingual Plane as '?' (a known limit, see docs/row-metadata.md): on such
    /// a server the ENUM samples keep only BMP characters.
    /// </summary>
    private string EnumLabel(string sample) =>
        server.FullRowMetadata ? sample : string.Concat(sample.EnumerateRunes().Where(r => r.IsBmp).Select(r => r.ToString())).TrimEnd(); // MySQL trims ENUM labels

    [Fact]
    public async Task Every_spec_charset_converts_like_the_snapshot()
    {
        var db = await server.DatabaseForAsync(GetType());
        var available = new List<(string Charset, string Sample)>();
        foreach (var (charset, sample) in Samples)
        {
            Assert.Contains(charset, SupportedCharsets.Names);
            var count = (long)(await server.ScalarAsync(
                $"SELECT COUNT(*) FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = '{charset}'"))!;
            if (count > 0) available.Add((charset, sample));
            else output.WriteLine($"{charset}: not provided by this server");
        }
        Assert.True(available.Count >= 31, $"only {available.Count} spec charsets on the server");

        // Per charset: VARCHAR, CHAR, TEXT and an ENUM whose first label is the sample.
        var columns = available.SelectMany(a => new[]
        {
            $"`v_{a.Charset}` VARCHAR(40) CHARACTER SET {a.Charset}",
            $"`c_{a.Charset}` CHAR(20) CHARACTER SET {a.Charset}",
            $"`t_{a.Charset}` TEXT CHARACTER SET {a.Charset}",
            $"`e_{a.Charset}` ENUM('{EnumLabel(a.Sample).Replace("'", "''", StringComparison.Ordinal)}', 'other') CHARACTER SET {a.Charset}",
        });
        await db.ExecuteAsync($"CREATE TABLE charsets (id INT PRIMARY KEY, {string.Join(", ", columns)}) ROW_FORMAT=DYNAMIC");
        var start = await BinlogChanges.PositionAsync(server);
        await using (var connection = new MySqlConnection(db.RootConnectionString))
        {
            await connection.OpenAsync();
            for (var id = 1; id <= 3; id++)
            {
                var values = available.SelectMany((a, i) => new[] { $"@v{i}", $"@v{i}", $"@v{i}", $"@e{i}" });
                await using var insert = new MySqlCommand(
                    $"SET SESSION sql_mode = 'STRICT_ALL_TABLES'; INSERT INTO charsets VALUES ({id}, {string.Join(", ", values)})", connection);
                for (var i = 0; i < available.Count; i++)
                {
                    insert.Parameters.AddWithValue($"@v{i}", id switch { 1 => available[i].Sample, 2 => "", _ => null });
                    insert.Parameters.AddWithValue($"@e{i}", id switch { 1 => EnumLabel(available[i].Sample), 2 => "other", _ => null });
                }
                await insert.ExecuteNonQueryAsync();
            }
        }

        var mapping = await BinlogChanges.MapAsync(db, "charsets");
        var compared = await AssertEquivalentAsync(db, mapping, start, "charsets", 3);
        output.WriteLine($"{available.Count} charsets, {compared} values compared");

        // And the snapshot itself holds the samples (so equivalence is not agreement on garbage).
        var snapshot = await BinlogChanges.SnapshotAsync(db, mapping);
        for (var i = 0; i < available.Count; i++)
        {
            Assert.Equal([available[i].Sample, available[i].Sample, available[i].Sample, EnumLabel(available[i].Sample)],
                snapshot["1"].Skip(1 + 4 * i).Take(4).ToArray());
        }
    }

    [Fact]
    public async Task Updates_and_deletes_carry_the_snapshot_values_before_and_after()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("""
            CREATE TABLE ud (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(20), n DECIMAL(8,3), d DATE, s SET('x','y'),
                             t TIME(3), flag TINYINT(1), b BIT(1));
            INSERT INTO ud VALUES (18446744073709551615, 'one', 1.5, '2020-01-01', 'x', '-30:00:00.5', 1, b'1'),
                                  (2, 'two', -2.25, NULL, '', '00:00:01', 0, b'0'),
                                  (3, 'three', 0, '2021-03-03', 'x,y', NULL, NULL, NULL);
            """);
        var mapping = await BinlogChanges.MapAsync(db, "ud");
        Assert.Equal(DestinationType.Boolean, Type(mapping, "flag"));
        var before = await BinlogChanges.SnapshotAsync(db, mapping);
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("UPDATE ud SET v = 'uno', n = n * 2, s = 'y', t = '838:00:00', flag = 0, b = b'0' WHERE id = 18446744073709551615");
        await db.ExecuteAsync("UPDATE ud SET id = 4, d = '1999-09-09' WHERE id = 3");
        var after = await BinlogChanges.SnapshotAsync(db, mapping);
        await db.ExecuteAsync("DELETE FROM ud WHERE id = 2");

        var changes = BinlogChanges.Convert(mapping, await BinlogChanges.RowsEventsAsync(server, start, db.Name, "ud"));
        Assert.Equal([RowChangeKind.Update, RowChangeKind.Update, RowChangeKind.Delete], changes.Select(c => c.Kind));
        var table = mapping.Destination;
        const string max = "18446744073709551615";
        BinlogChanges.AssertSameRow(table, before[max], changes[0].Before!, "update 1 before");
        BinlogChanges.AssertSameRow(table, after[max], changes[0].Row, "update 1 after");
        BinlogChanges.AssertSameRow(table, before["3"], changes[1].Before!, "update 2 before");
        BinlogChanges.AssertSameRow(table, after["4"], changes[1].Row, "update 2 after");
        BinlogChanges.AssertSameRow(table, after["2"], changes[2].Row, "delete");
        Assert.Null(changes[2].Before);
    }

    [Fact]
    public async Task Text_with_nul_and_control_bytes_and_binary_padding_convert_like_the_snapshot()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("""
            CREATE TABLE nul_text (id INT PRIMARY KEY, c CHAR(10), vc VARCHAR(40), tx TEXT, l1 VARCHAR(20) CHARACTER SET latin1,
                                   u2 CHAR(8) CHARACTER SET ucs2, bin BINARY(4), bin1 BINARY(1), vb VARBINARY(8), j JSON,
                                   e ENUM('x','ÿ'), s SET('a','é'), u INT UNSIGNED, flag TINYINT(1))
            """);
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("""
            INSERT INTO nul_text VALUES
              (1, 'a\0b', CONCAT('nul\0byte', CHAR(1 USING utf8mb4), CHAR(31 USING utf8mb4)),
               CONCAT('t\0', CHAR(7 USING utf8mb4), CHAR(27 USING utf8mb4), 'end'), '€\0ÿ',
               'Ω\0', 0x61, 0x00, 0x0000, '{"a": "\\u0000"}', 'ÿ', 'a,é', 4294967295, 1),
              (2, '', '', '', '', '', 0x00000000, 0x01, X'', '[]', 'x', '', 0, 0),
              (3, CONCAT(CHAR(1 USING utf8mb4), ' '), CONCAT(' ', CHAR(31 USING utf8mb4), ' '), '\0', '\0', '\0',
               0x00000001, 0xFF, 0xFF00, 'null', 'x', 'é', 1, NULL)
            """);
        var mapping = await BinlogChanges.MapAsync(db, "nul_text");
        var compared = await AssertEquivalentAsync(db, mapping, start, "nul_text", 3);
        output.WriteLine($"{compared} values compared");

        var snapshot = await BinlogChanges.SnapshotAsync(db, mapping);
        Assert.Equal("a\0b", snapshot["1"][1]);
        Assert.Equal("nul\0byte\u0001\u001f", snapshot["1"][2]);
        Assert.Equal("t\0\u0007\u001bend", snapshot["1"][3]);
        Assert.Equal("€\0ÿ", snapshot["1"][4]);
        Assert.Equal(new byte[] { 0x61, 0, 0, 0 }, snapshot["1"][6]);
        Assert.Equal(new byte[] { 0, 0 }, snapshot["1"][8]);
        Assert.Equal(new byte[] { 0xFF, 0 }, snapshot["3"][8]);
    }

    /// <summary>Streams the inserts of <paramref name="table"/> and compares them with the snapshot; returns the values compared.</summary>
    private async Task<int> AssertEquivalentAsync(TestDatabase db, TableMapping mapping, Sluice.Binlog.Client.BinlogPosition start, string table, int expectedRows)
    {
        var snapshot = await BinlogChanges.SnapshotAsync(db, mapping);
        Assert.Equal(expectedRows, snapshot.Count);
        var changes = BinlogChanges.Convert(mapping, await BinlogChanges.RowsEventsAsync(server, start, db.Name, table));
        Assert.Equal(expectedRows, changes.Count);
        var compared = 0;
        foreach (var change in changes)
        {
            Assert.Equal(RowChangeKind.Upsert, change.Kind);
            var key = BinlogChanges.Key(change.Row);
            compared += BinlogChanges.AssertSameRow(mapping.Destination, snapshot[key], change.Row, $"{table} row {key}");
        }
        return compared;
    }

    private static DestinationType Type(TableMapping mapping, string column) =>
        mapping.Destination.Columns.Single(c => c.Name == column).Type;
}

/// <summary>The equivalence tests on a server logging binlog_row_metadata=FULL.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogRowConverterEquivalenceFullMetadataTests(MariaDbServer server, ITestOutputHelper output)
    : BinlogRowConverterEquivalenceTests(server, output)
{
    [Fact]
    public void The_server_logs_full_row_metadata() => Assert.True(Server.FullRowMetadata);
}

/// <summary>The equivalence tests on a server with its default binlog_row_metadata (NO_LOG on MariaDB 10.11).</summary>
[Collection(MariaDbDefaultsCollection.Name)]
public sealed class BinlogRowConverterEquivalenceDefaultMetadataTests(MariaDbDefaultsServer server, ITestOutputHelper output)
    : BinlogRowConverterEquivalenceTests(server, output)
{
    [Fact]
    public async Task The_server_logs_no_full_row_metadata()
    {
        Assert.False(Server.FullRowMetadata);
        Assert.NotEqual("FULL", await Server.ScalarAsync("SELECT @@binlog_row_metadata"));
    }
}
