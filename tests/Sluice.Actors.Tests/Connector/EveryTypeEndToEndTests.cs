using System.Globalization;
using Sluice.Actors.Connector;
using Sluice.Testing;

namespace Sluice.Actors.Tests.Connector;

/// <summary>
/// Every column type with its edge values through the whole connector into DuckDB: the same values arrive once by the
/// snapshot (rows 1..N) and once by the binlog (rows 101..100+N, inserted while streaming); both copies must be
/// identical in the destination, the destination types must follow the type table (docs/spec-coverage.md), and verify must pass.
/// Run on a server logging FULL row metadata and on one with the server's defaults (no charsets or signedness in TABLE_MAP).
/// </summary>
public abstract class EveryTypeEndToEndTests(MariaDbServer server)
{
    private const string Columns = """
        ti TINYINT, tiu TINYINT UNSIGNED, flag TINYINT(1), si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT,
        miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
        d65 DECIMAL(65,30), d10 DECIMAL(10,2), f FLOAT, dbl DOUBLE, b1 BIT(1), b12 BIT(12), y YEAR,
        dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(6),
        c CHAR(5), vc VARCHAR(100), tx TEXT, latin VARCHAR(20) CHARACTER SET latin1, cyr VARCHAR(20) CHARACTER SET cp1251,
        sj VARCHAR(20) CHARACTER SET sjis, u16 VARCHAR(20) CHARACTER SET utf16,
        bin BINARY(4), vb VARBINARY(20), bl BLOB, e ENUM('s','m','l'), st SET('a','b','c'), j JSON, g GEOMETRY,
        u2 VARCHAR(20) CHARACTER SET ucs2, u32 VARCHAR(20) CHARACTER SET utf32, u16le VARCHAR(20) CHARACTER SET utf16le,
        gbk VARCHAR(20) CHARACTER SET gbk, big5 VARCHAR(20) CHARACTER SET big5, kr VARCHAR(20) CHARACTER SET euckr,
        koi VARCHAR(20) CHARACTER SET koi8r, gr VARCHAR(20) CHARACTER SET greek, he VARCHAR(20) CHARACTER SET hebrew,
        th VARCHAR(20) CHARACTER SET tis620, ascii_t VARCHAR(20) CHARACTER SET ascii, l1c CHAR(6) CHARACTER SET latin1
        """;

    private static readonly string[] Samples =
        ["Ω ☃", "😀 x", "😀 y", "简体中文", "繁體中文", "한국어", "Привет", "Καλημέρα", "שלום", "สวัสดี", "plain ~", "€‰ŒÿÀ"];
    private static readonly string[] CharsetColumns = ["u2", "u32", "u16le", "gbk", "big5", "kr", "koi", "gr", "he", "th", "ascii_t", "l1c"];

    private static readonly string[] Values =
    [
        "-128, 0, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, " +
        "'-99999999999999999999999999999999999.999999999999999999999999999999', '-99999999.99', -3.5e38, -1.7976931348623157e308, " +
        "b'0', b'0', 1901, '1000-01-01', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01.000', '-838:59:59.000000', " +
        "'', '', '', '', '', '', '', X'00', X'', X'', 's', '', '[]', ST_GeomFromText('POINT(0 0)'), " +
        "'', '', '', '', '', '', '', '', '', '', '', ''",
        "127, 255, 1, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, " +
        "'99999999999999999999999999999999999.999999999999999999999999999999', '99999999.99', 3.5e38, 1.7976931348623157e308, " +
        "b'1', b'111111111111', 2155, '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', '838:59:59.000000', " +
        "'abcde', 'ünïcødé ✓ 😀', REPEAT('x', 5000), 'ÀÉÎõü', 'Привет', 'こんにちは', '𝄞', X'DEADBEEF', X'00FF', REPEAT(X'AB', 300), " +
        "'l', 'a,b,c', '{\"k\": [1, 2.5, \"s\", null, true]}', ST_GeomFromText('LINESTRING(0 0,1 1,2 4)'), " +
        "'Ω ☃', '😀 x', '😀 y', '简体中文', '繁體中文', '한국어', 'Привет', 'Καλημέρα', 'שלום', 'สวัสดี', 'plain ~', '€‰ŒÿÀ'",
        "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, '0.000000000000000000000000000001', '0.01', 1.5, 0.1, b'1', b'1010', 0, " +
        "'0000-00-00', '0000-00-00 00:00:00', '2024-02-29 12:34:56.5', '-00:00:00.000001', 'x', 'it''s \\\\ \"q\"', '', 'ß', 'ёж', " +
        "'ｶﾀ', 'ü', X'01', X'00', X'00', 'm', 'b', '{\"a\": {\"b\": [{}]}}', NULL, " +
        "'a', 'b', 'c', '中', '體', '한', 'ж', 'Ω', 'ש', 'ก', 'x', 'ß'",
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " +
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " +
        string.Join(", ", Enumerable.Repeat("NULL", 12)),
    ];

    [Fact]
    public async Task Every_type_arrives_identically_by_snapshot_and_by_binlog()
    {
        var db = await server.CreateDatabaseAsync("everytype");
        await db.ExecuteAsync($"CREATE TABLE every_type (id INT PRIMARY KEY, {Columns})");
        await db.ExecuteAsync("SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00'; " +
                              string.Join(" ", Values.Select((v, i) => $"INSERT INTO every_type VALUES ({i + 1}, {v});")));

        await using var harness = new ConnectorHarness(db);
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await harness.WaitCaughtUpAsync(host);

            await db.ExecuteAsync("SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00'; " +
                                  string.Join(" ", Values.Select((v, i) => $"INSERT INTO every_type VALUES ({i + 101}, {v});")));
            await harness.WaitCaughtUpAsync(host);
            await cts.CancelAsync();
            Assert.Equal("stopped", (await run).Outcome);
        }

        await harness.VerifyAsync();

        var columns = await harness.QueryDestinationAsync(
            $"SELECT column_name FROM information_schema.columns WHERE table_schema = '{db.Name}' AND table_name = 'every_type' " +
            "AND column_name NOT LIKE '\\_fivetran\\_%' ESCAPE '\\' AND column_name <> 'id' ORDER BY ordinal_position");
        var names = columns.Select(c => (string)c[0]!).ToList();
        Assert.Equal(48, names.Count);
        var list = string.Join(", ", names.Select(n => $"\"{n}\""));
        var rows = (await harness.QueryDestinationAsync($"SELECT id, {list} FROM \"{db.Name}\".every_type ORDER BY id"))
            .ToDictionary(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture));
        Assert.Equal(2 * Values.Length, rows.Count);
        for (var i = 1; i <= Values.Length; i++)
        {
            var bySnapshot = rows[i];
            var byBinlog = rows[i + 100];
            for (var c = 1; c < bySnapshot.Length; c++)
            {
                Assert.True(Equal(bySnapshot[c], byBinlog[c]),
                    $"row {i}, column {names[c - 1]}: snapshot {Show(bySnapshot[c])} but binlog {Show(byBinlog[c])}");
            }
        }

        // The type table, as DuckDB types.
        var types = (await harness.QueryDestinationAsync(
                $"SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '{db.Name}' AND table_name = 'every_type'"))
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("BOOLEAN", types["flag"]);         // TINYINT(1) holding only 0 and 1
        Assert.Equal("INTEGER", types["ti"]);
        Assert.Equal("BIGINT", types["iu"]);            // UNSIGNED INT → LONG
        Assert.Equal("BOOLEAN", types["b1"]);           // BIT(1)
        Assert.Equal("INTEGER", types["y"]);            // YEAR
        Assert.Equal("VARCHAR", types["tm"]);           // TIME → STRING
        Assert.Equal("DATE", types["dt"]);
        Assert.Equal("TIMESTAMP", types["dtm"]);        // DATETIME → TIMESTAMP_NTZ
        Assert.StartsWith("TIMESTAMP WITH TIME ZONE", types["ts"]);
        Assert.Equal("BOOLEAN", types["_fivetran_deleted"]);
        Assert.StartsWith("TIMESTAMP WITH TIME ZONE", types["_fivetran_synced"]);

        // Edge values as the destination holds them.
        Assert.Equal(18446744073709551615m, Convert.ToDecimal(rows[2][names.IndexOf("biu") + 1], CultureInfo.InvariantCulture));
        Assert.Null(rows[3][names.IndexOf("dt") + 1]);                          // zero date outside the key → null
        Assert.Equal("-838:59:59.000000", rows[1][names.IndexOf("tm") + 1]);
        Assert.Equal("-00:00:00.000001", rows[3][names.IndexOf("tm") + 1]);
        Assert.Equal(true, rows[2][names.IndexOf("flag") + 1]);
        Assert.Contains("\"a\"", (string)rows[2][names.IndexOf("st") + 1]!);  // SET → JSON array
        Assert.Contains("LineString", (string)rows[2][names.IndexOf("g") + 1]!); // GEOMETRY → GeoJSON
        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, Bytes(rows[2][names.IndexOf("bin") + 1]));
        Assert.Equal(new byte[] { 0x01, 0, 0, 0 }, Bytes(rows[3][names.IndexOf("bin") + 1])); // BINARY(4) keeps its padding
        Assert.Equal("Привет", rows[2][names.IndexOf("cyr") + 1]);
        for (var k = 0; k < CharsetColumns.Length; k++)
        {
            Assert.Equal(Samples[k], rows[2][names.IndexOf(CharsetColumns[k]) + 1]);
            Assert.Equal(Samples[k], rows[102][names.IndexOf(CharsetColumns[k]) + 1]);
        }
        Assert.Equal("ÀÉÎõü", rows[102][names.IndexOf("latin") + 1]);
        Assert.Equal(new byte[] { 0x01, 0, 0, 0 }, Bytes(rows[103][names.IndexOf("bin") + 1]));
        Assert.Equal(new byte[] { 0x00, 0xFF }, Bytes(rows[102][names.IndexOf("vb") + 1]));
    }

    [Fact]
    public async Task Columns_hidden_by_column_grants_are_left_out_by_snapshot_and_by_binlog()
    {
        var db = await server.CreateDatabaseAsync("hiddencols");
        await db.ExecuteAsync("CREATE TABLE hidden (id INT PRIMARY KEY, secret VARCHAR(10), c VARCHAR(10) CHARACTER SET latin1, " +
                              "d BINARY(3), tail_secret INT UNSIGNED); INSERT INTO hidden VALUES (1, 's', 'Café €', 0x01, 7)");
        var user = "hid_" + Guid.NewGuid().ToString("N")[..8];
        const string password = "Hidden-pw-1";
        await server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; " +
                                  $"GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '{user}'@'%'; " +
                                  $"GRANT SELECT (id, c, d) ON `{db.Name}`.hidden TO '{user}'@'%'");

        await using var harness = new ConnectorHarness(db);
        harness.Config = harness.Config with
        {
            SourceConnectionString = new MySqlConnector.MySqlConnectionStringBuilder(server.ReplicationConnectionString())
                { UserID = user, Password = password }.ConnectionString,
        };
        ConnectorStatus status;
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await harness.WaitCaughtUpAsync(host);
            await db.ExecuteAsync("INSERT INTO hidden VALUES (2, 'x', 'ÿ', 0x0203, 8); UPDATE hidden SET c = 'Œ', secret = 'y' WHERE id = 1; " +
                                  "UPDATE hidden SET tail_secret = 9 WHERE id = 2; INSERT INTO hidden VALUES (3, 'z', 'gone', NULL, 1); " +
                                  "DELETE FROM hidden WHERE id = 3");
            status = await harness.WaitCaughtUpAsync(host);
            await cts.CancelAsync();
            Assert.Equal("stopped", (await run).Outcome);
        }

        Assert.DoesNotContain(status.Events, e => e.Contains("columns", StringComparison.Ordinal) && e.Contains("expects", StringComparison.Ordinal));
        var columns = (await harness.QueryDestinationAsync(
                $"SELECT column_name FROM information_schema.columns WHERE table_schema = '{db.Name}' AND table_name = 'hidden' " +
                "AND column_name NOT LIKE '\\_fivetran\\_%' ESCAPE '\\' ORDER BY ordinal_position"))
            .Select(r => (string)r[0]!).ToList();
        Assert.Equal(["id", "c", "d"], columns);
        var rows = await harness.QueryDestinationAsync($"SELECT id, c, d, _fivetran_deleted FROM \"{db.Name}\".hidden ORDER BY id");
        Assert.Equal(3, rows.Count);
        Assert.Equal([1, "Œ", new byte[] { 1, 0, 0 }, false], [Convert.ToInt32(rows[0][0], CultureInfo.InvariantCulture), rows[0][1], rows[0][2], rows[0][3]]);
        Assert.Equal([2, "ÿ", new byte[] { 2, 3, 0 }, false], [Convert.ToInt32(rows[1][0], CultureInfo.InvariantCulture), rows[1][1], rows[1][2], rows[1][3]]);
        Assert.Equal(3, Convert.ToInt32(rows[2][0], CultureInfo.InvariantCulture));
        Assert.Equal(true, rows[2][3]);
    }

    // The rows reach the destination whole (BinlogRowConverterEquivalenceTests compares them before DuckDB); the
    // DuckDB writer still cuts text at the first NUL, in the snapshot and in the stream alike.
    [Fact(Skip = "DuckDB NUL: the DuckDB destination truncates text at a NUL byte (fixed separately in Destinations)")]
    public async Task Text_with_nul_and_control_bytes_arrives_whole_by_snapshot_and_by_binlog()
    {
        var db = await server.CreateDatabaseAsync("nultext");
        const string insert = "INSERT INTO nul_text VALUES ({0}, 'a\\0b', CONCAT('nul\\0byte', CHAR(1 USING utf8mb4), CHAR(31 USING utf8mb4)), " +
                              "'€\\0ÿ', 'Ω\\0');";
        await db.ExecuteAsync("CREATE TABLE nul_text (id INT PRIMARY KEY, c CHAR(10), vc VARCHAR(40), l1 VARCHAR(10) CHARACTER SET latin1, " +
                              "u2 VARCHAR(10) CHARACTER SET ucs2); " + string.Format(CultureInfo.InvariantCulture, insert, 1));

        await using var harness = new ConnectorHarness(db);
        await using (var host = await harness.StartHostAsync())
        {
            using var cts = new CancellationTokenSource();
            var run = host.RunAsync(harness.Config, once: false, cts.Token);
            await harness.WaitCaughtUpAsync(host);
            await db.ExecuteAsync(string.Format(CultureInfo.InvariantCulture, insert, 101));
            await harness.WaitCaughtUpAsync(host);
            await cts.CancelAsync();
            Assert.Equal("stopped", (await run).Outcome);
        }

        var rows = await harness.QueryDestinationAsync($"SELECT id, c, vc, l1, u2 FROM \"{db.Name}\".nul_text ORDER BY id");
        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(["a\0b", "nul\0byte\u0001\u001f", "€\0ÿ", "Ω\0"], row.Skip(1).ToArray());
        }
    }

    private static bool Equal(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        _ => Equals(a, b),
    };

    private static byte[] Bytes(object? value) =>
        value as byte[] ?? throw new InvalidOperationException($"not binary: {Show(value)}");

    private static string Show(object? v) => v switch
    {
        null => "NULL",
        byte[] b => "0x" + Convert.ToHexString(b),
        _ => $"{v} ({v.GetType().Name})",
    };
}

/// <summary>The end-to-end comparison on a server logging binlog_row_metadata=FULL.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class EveryTypeEndToEndFullMetadataTests(MariaDbServer server) : EveryTypeEndToEndTests(server);

/// <summary>The end-to-end comparison on a server with its default binlog_row_metadata.</summary>
[Collection(MariaDbDefaultsCollection.Name)]
public sealed class EveryTypeEndToEndDefaultMetadataTests(MariaDbDefaultsServer server) : EveryTypeEndToEndTests(server);
