using System.Globalization;
using System.Text.Json.Nodes;
using MySqlConnector;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Binlog;

/// <summary>
/// Every column type with its edge values, written to the live server, streamed back through our binlog client by
/// <c>sluice binlog tail --format jsonl</c>, and compared value by value with what the server itself returns for the
/// same rows (formatted by the server: CAST AS CHAR, TO_BASE64, ST_AsGeoJSON). Run on a server logging FULL row
/// metadata and on one with the server's defaults (tail then takes charsets, signedness, labels from the live schema).
/// </summary>
public abstract class TailEveryTypeTests(MariaDbServer server)
{
    private enum Kind { Number, Exact, Float, Double, Bit, Year, Date, DateTime, Timestamp, Time, Text, Binary, Set, Json, Geometry }

    private static readonly (string Name, string Type, Kind Kind)[] Columns =
    [
        ("ti", "TINYINT", Kind.Number), ("tiu", "TINYINT UNSIGNED", Kind.Number),
        ("si", "SMALLINT", Kind.Number), ("siu", "SMALLINT UNSIGNED", Kind.Number),
        ("mi", "MEDIUMINT", Kind.Number), ("miu", "MEDIUMINT UNSIGNED", Kind.Number),
        ("i", "INT", Kind.Number), ("iu", "INT UNSIGNED", Kind.Number),
        ("bi", "BIGINT", Kind.Number), ("biu", "BIGINT UNSIGNED", Kind.Number),
        ("dec65", "DECIMAL(65,30)", Kind.Exact), ("dec10", "DECIMAL(10,2)", Kind.Exact), ("dec0", "DECIMAL(20,0) UNSIGNED", Kind.Exact),
        ("f", "FLOAT", Kind.Float), ("d", "DOUBLE", Kind.Double),
        ("b1", "BIT(1)", Kind.Bit), ("b64", "BIT(64)", Kind.Bit), ("b13", "BIT(13)", Kind.Bit),
        ("y", "YEAR", Kind.Year),
        ("dt", "DATE", Kind.Date), ("dtm", "DATETIME", Kind.DateTime), ("dtm3", "DATETIME(3)", Kind.DateTime),
        ("dtm6", "DATETIME(6)", Kind.DateTime), ("ts", "TIMESTAMP(6) NULL", Kind.Timestamp), ("ts0", "TIMESTAMP NULL", Kind.Timestamp),
        ("tm", "TIME", Kind.Time), ("tm2", "TIME(2)", Kind.Time), ("tm6", "TIME(6)", Kind.Time),
        ("c", "CHAR(10)", Kind.Text), ("vc", "VARCHAR(300)", Kind.Text), ("tx", "TEXT", Kind.Text),
        ("mtx", "MEDIUMTEXT", Kind.Text), ("ltx", "LONGTEXT", Kind.Text),
        ("latin", "VARCHAR(20) CHARACTER SET latin1", Kind.Text), ("cyr", "VARCHAR(20) CHARACTER SET cp1251", Kind.Text),
        ("sj", "VARCHAR(20) CHARACTER SET sjis", Kind.Text), ("u16", "VARCHAR(20) CHARACTER SET utf16", Kind.Text),
        ("u32", "CHAR(5) CHARACTER SET utf32", Kind.Text), ("gbk", "VARCHAR(20) CHARACTER SET gbk", Kind.Text),
        ("bin", "BINARY(4)", Kind.Binary), ("vb", "VARBINARY(20)", Kind.Binary), ("bl", "BLOB", Kind.Binary),
        ("lbl", "LONGBLOB", Kind.Binary),
        ("e", "ENUM('small','medium','large')", Kind.Text), ("s", "SET('a','b','c','d')", Kind.Set),
        ("j", "JSON", Kind.Json), ("g", "GEOMETRY", Kind.Geometry), ("pt", "POINT", Kind.Geometry),
    ];

    private static readonly string[] Rows =
    [
        // Minimums and negative values.
        "(1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, " +
        "'-99999999999999999999999999999999999.999999999999999999999999999999', '-99999999.99', 0, " +
        "-3.40282e38, -1.7976931348623157e308, b'0', b'0', b'0', 1901, '1000-01-01', '1000-01-01 00:00:00', " +
        "'1000-01-01 00:00:00.001', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01.000000', '1970-01-01 00:00:01', " +
        "'-838:59:59', '-838:59:59.99', '-00:00:00.000001', '', '', '', '', '', '', '', '', '', '', '', " +
        "0x00000000, X'', X'', X'', 'small', '', '[]', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(-1.5 2.25)'))",
        // Maximums.
        "(2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, " +
        "'99999999999999999999999999999999999.999999999999999999999999999999', '99999999.99', 99999999999999999999, " +
        "3.40282e38, 1.7976931348623157e308, b'1', b'1111111111111111111111111111111111111111111111111111111111111111', " +
        "b'1111111111111', 2155, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', " +
        "'9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '2038-01-19 03:14:07', '838:59:59', '838:59:59.99', " +
        "'838:59:59.000000', 'abcdefghij', REPEAT('v', 300), REPEAT('t', 65535), REPEAT('m', 70000), REPEAT('L', 100000), " +
        "'ÀÉÎõü ÿ', 'Привет мир', 'こんにちは', '𝄞 clef', '😀€a', '中文字符', 0xFFFFFFFF, 0xDEADBEEF00FF, " +
        "REPEAT(0xAB, 70000), REPEAT(0x01, 200000), 'large', 'a,b,c,d', " +
        "'{\"k\": [1, 2.5, \"s\", null, true, {\"n\": -1}]}', " +
        "ST_GeomFromText('POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))'), ST_GeomFromText('POINT(180 -90)'))",
        // Ordinary values, and the zero and odd cases.
        "(3, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, '0.000000000000000000000000000001', '0.01', 1, 1.5, 0.1, b'1', b'1010', " +
        "b'1000000000001', 0, '0000-00-00', '0000-00-00 00:00:00', '2024-02-29 12:34:56.5', '2024-02-29 12:34:56.000001', " +
        "'2024-02-29 12:34:56.5', '2024-02-29 12:34:56', '00:00:00', '100:00:00.5', '-01:02:03.040506', 'x ', " +
        "'it''s \"quoted\" \\\\ back\\nslash', 'tab\\there', '', '', 'café', 'ёж', 'ｶﾀｶﾅ', 'ü', 'ß', '汉', 0x0102, 0x00, 0x00, 0x7F, " +
        "'medium', 'b,d', '{\"a\": {\"b\": [{}]}}', ST_GeomFromText('LINESTRING(0 0,1 1,2 4)'), NULL)",
        // Text with NUL and control bytes, and BINARY padding.
        "(5, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, '0.000000000000000000000000000001', '0.01', 1, 1.5, 0.1, b'1', b'1010', " +
        "b'1000000000001', 0, '0000-00-00', '0000-00-00 00:00:00', '2024-02-29 12:34:56.5', '2024-02-29 12:34:56.000001', " +
        "'2024-02-29 12:34:56.5', '2024-02-29 12:34:56', '00:00:00', '100:00:00.5', '-01:02:03.040506', 'a\\0b', " +
        "CONCAT('nul\\0byte', CHAR(1 USING utf8mb4), CHAR(31 USING utf8mb4)), CONCAT('t\\0', CHAR(27 USING utf8mb4)), '\\0', " +
        "'\\0\\0', '€\\0ÿ', 'ё\\0ж', 'ｶ\\0', 'ü\\0', '\\0ß', '汉\\0', 0x61, 0x0000, 0x00, 0x7F, " +
        "'medium', 'b,d', '{\"a\": {\"b\": [{}]}}', ST_GeomFromText('LINESTRING(0 0,1 1,2 4)'), NULL)",
        // NULL in every nullable column.
        "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " +
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " +
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    ];

    [Fact]
    public async Task Every_type_round_trips_through_tail_value_by_value()
    {
        var db = await server.DatabaseForAsync(GetType());
        var columnsSql = string.Join(", ", Columns.Select(c => $"`{c.Name}` {c.Type}"));
        await db.ExecuteAsync($"CREATE TABLE every_type (id INT PRIMARY KEY, {columnsSql})");
        var (file, pos) = await MasterStatusAsync();

        await using (var conn = new MySqlConnection(db.RootConnectionString))
        {
            await conn.OpenAsync();
            await Exec(conn, "SET SESSION sql_mode = '', time_zone = '+00:00'");
            foreach (var row in Rows) await Exec(conn, "INSERT INTO every_type VALUES " + row);
        }

        var expected = await ServerValuesAsync(db);
        var result = await CliRunner.RunAsync("binlog", "tail", "--source", db.ReplicationConnectionString,
            "--from", $"{file}:{pos}", "--stop-at-end", "--format", "jsonl");
        Assert.True(result.ExitCode == 0, result.Error);

        var inserts = result.Lines.Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => (string?)o["kind"] == "insert" && (string?)o["table"] == "every_type")
            .ToDictionary(o => (int)o["after"]!["id"]!);
        Assert.Equal(expected.Keys.Order(), inserts.Keys.Order());

        var compared = 0;
        foreach (var (id, row) in expected)
        {
            var after = inserts[id]["after"]!.AsObject();
            Assert.Null(inserts[id]["before"]);
            Assert.Equal(db.Name, (string?)inserts[id]["schema"]);
            Assert.Equal(file, (string?)inserts[id]["position"]!["file"]);
            Assert.Matches(@"^0-1-\d+$", (string?)inserts[id]["gtid"]);
            foreach (var (name, _, kind) in Columns)
            {
                Assert.True(after.ContainsKey(name), $"row {id}: column {name} missing");
                AssertValue(id, name, kind, row[name], after[name]);
                compared++;
            }
        }
        Assert.Equal(Rows.Length * Columns.Length, compared);
    }

    [Fact]
    public async Task Update_and_delete_carry_before_and_after_images()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE ud (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(20), n DECIMAL(8,3))");
        var (file, pos) = await MasterStatusAsync();
        await db.ExecuteAsync("INSERT INTO ud VALUES (18446744073709551615, 'one', 1.5), (2, 'two', -2.25)");
        await db.ExecuteAsync("UPDATE ud SET v = 'uno', n = n * 2 WHERE id = 18446744073709551615");
        await db.ExecuteAsync("DELETE FROM ud WHERE id = 2");

        var result = await CliRunner.RunAsync("binlog", "tail", "--source", db.ReplicationConnectionString,
            "--from", $"{file}:{pos}", "--stop-at-end");
        Assert.True(result.ExitCode == 0, result.Error);
        var changes = result.Lines.Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => (string?)o["table"] == "ud").ToList();
        Assert.Equal(["insert", "insert", "update", "delete"], changes.Select(c => (string)c["kind"]!));

        var update = changes[2];
        Assert.Equal("18446744073709551615", update["before"]!["id"]!.ToJsonString());
        Assert.Equal("one", (string?)update["before"]!["v"]);
        Assert.Equal("1.500", (string?)update["before"]!["n"]);
        Assert.Equal("uno", (string?)update["after"]!["v"]);
        Assert.Equal("3.000", (string?)update["after"]!["n"]);

        var delete = changes[3];
        Assert.Null(delete["after"]);
        Assert.Equal(2, (long)delete["before"]!["id"]!);
        Assert.Equal("-2.250", (string?)delete["before"]!["n"]);

        // Each statement committed on its own: one commit line after each change group, positions increasing.
        var all = result.Lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var positions = all.Select(o => (long)o["position"]!["pos"]!).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(3, all.Count(o => (string?)o["kind"] == "commit"));
    }

    private static void AssertValue(int id, string name, Kind kind, object? server, JsonNode? actual)
    {
        var where = $"row {id}, column {name}";
        if (server is null)
        {
            Assert.True(actual is null, $"{where}: expected null, got {actual?.ToJsonString()}");
            return;
        }
        var text = server as string;
        switch (kind)
        {
            case Kind.Number or Kind.Bit or Kind.Year:
                Assert.True(actual is JsonValue, $"{where}: expected a JSON number, got {actual?.ToJsonString()}");
                Assert.Equal(text, actual!.ToJsonString());
                break;
            case Kind.Exact:
                Assert.Equal(text, (string?)actual);
                break;
            case Kind.Float:
                Assert.Equal((float)server, (float)(double)actual!);
                break;
            case Kind.Double:
                Assert.Equal((double)server, (double)actual!);
                break;
            case Kind.Date:
                Assert.Equal(text == "0000-00-00" ? null : text, (string?)actual);
                break;
            case Kind.DateTime:
                Assert.Equal(text!.StartsWith("0000-00-00", StringComparison.Ordinal) ? null : text.Replace(' ', 'T'), (string?)actual);
                break;
            case Kind.Timestamp:
                Assert.Equal(text!.StartsWith("0000-00-00", StringComparison.Ordinal) ? null : text.Replace(' ', 'T') + "Z", (string?)actual);
                break;
            case Kind.Time or Kind.Text:
                Assert.Equal(text, (string?)actual);
                break;
            case Kind.Binary:
                Assert.Equal(text, (string?)actual);
                break;
            case Kind.Set:
                var labels = text!.Length == 0 ? [] : text.Split(',');
                Assert.Equal(labels, actual!.AsArray().Select(n => (string)n!).ToArray());
                break;
            case Kind.Json:
                // MariaDB keeps JSON as checked LONGTEXT; tail embeds it as JSON, not as a string.
                Assert.True(actual is JsonObject or JsonArray, $"{where}: expected embedded JSON, got {actual?.ToJsonString()}");
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text!), actual), $"{where}: expected {text}, got {actual?.ToJsonString()}");
                break;
            case Kind.Geometry:
                Assert.True(JsonNode.DeepEquals(NormalizeGeoJson(JsonNode.Parse(text!)), NormalizeGeoJson(actual)),
                    $"{where}: expected {text}, got {actual?.ToJsonString()}");
                break;
        }
    }

    /// <summary>GeoJSON numbers compared as doubles (1 and 1.0 alike).</summary>
    private static JsonNode? NormalizeGeoJson(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, NormalizeGeoJson(p.Value)))),
        JsonArray a => new JsonArray(a.Select(NormalizeGeoJson).ToArray()),
        JsonValue v when v.TryGetValue<double>(out var d) => JsonValue.Create(d),
        _ => node?.DeepClone(),
    };

    /// <summary>The rows as the server formats them itself, per column, keyed by id.</summary>
    private static async Task<Dictionary<int, Dictionary<string, object?>>> ServerValuesAsync(TestDatabase db)
    {
        var select = string.Join(", ", Columns.Select(c => c.Kind switch
        {
            Kind.Float or Kind.Double => $"`{c.Name}`",
            Kind.Bit or Kind.Year => $"CAST(`{c.Name}` + 0 AS CHAR)",
            Kind.Binary => $"REPLACE(TO_BASE64(`{c.Name}`), '\\n', '')",
            Kind.Geometry => $"ST_AsGeoJSON(`{c.Name}`)",
            Kind.Text or Kind.Json => $"`{c.Name}`",
            _ => $"CAST(`{c.Name}` AS CHAR)",
        } + $" AS `{c.Name}`"));
        var rows = new Dictionary<int, Dictionary<string, object?>>();
        await using var conn = new MySqlConnection(db.RootConnectionString + ";AllowZeroDateTime=true;ConvertZeroDateTime=false");
        await conn.OpenAsync();
        await Exec(conn, "SET SESSION time_zone = '+00:00'");
        await using var cmd = new MySqlCommand($"SELECT id, {select} FROM every_type ORDER BY id", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < Columns.Length; i++)
            {
                var value = reader.IsDBNull(i + 1) ? null : reader.GetValue(i + 1);
                row[Columns[i].Name] = value switch
                {
                    null or float or double => value,
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                };
            }
            rows[reader.GetInt32(0)] = row;
        }
        return rows;
    }

    private async Task<(string File, long Position)> MasterStatusAsync()
    {
        await using var conn = new MySqlConnection(server.RootConnectionString());
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand("SHOW MASTER STATUS", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private static async Task Exec(MySqlConnection conn, string sql)
    {
        await using var cmd = new MySqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>The tail round trip on a server logging binlog_row_metadata=FULL.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class TailEveryTypeFullMetadataTests(MariaDbServer server) : TailEveryTypeTests(server);

/// <summary>The tail round trip on a server with its default binlog_row_metadata.</summary>
[Collection(MariaDbDefaultsCollection.Name)]
public sealed class TailEveryTypeDefaultMetadataTests(MariaDbDefaultsServer server) : TailEveryTypeTests(server);
