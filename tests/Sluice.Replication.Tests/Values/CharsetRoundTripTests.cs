using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Mapping;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Replication.Tests.Values;

/// <summary>
/// Every supported character set: a sample string stored in a MariaDB column of that charset, read through
/// MySqlConnector into canonical values and written to DuckDB, comes back unchanged.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class CharsetRoundTripTests(MariaDbServer server, ITestOutputHelper output)
{
    /// <summary>Supported charsets this MariaDB does not provide, with the reason (checked against the server).</summary>
    private static readonly Dictionary<string, string> MissingOnMariaDb = new()
    {
        ["gb18030"] = "MariaDB 10.11 has no gb18030 character set (MySQL has it since 5.7.4); it is absent from SHOW CHARACTER SET",
    };

    [Theory]
    [InlineData("ascii", "Plain ASCII ~!@#")]
    [InlineData("big5", "繁體中文測試")]
    [InlineData("cp1250", "Zażółć gęślą jaźń")]
    [InlineData("cp1251", "Съешь же ещё")]
    [InlineData("cp1256", "مرحبا بالعالم")]
    [InlineData("cp1257", "Ąčęėįšųūž ķļņ")]
    [InlineData("cp850", "Ça été déjà ÀÉÎ")]
    [InlineData("cp852", "Łódź Škoda ő")]
    [InlineData("cp866", "Привет мир")]
    [InlineData("cp932", "日本語テキスト①ｶﾅ")]
    [InlineData("euckr", "한국어 텍스트")]
    [InlineData("gb18030", "中文 𠀀 €")]
    [InlineData("gb2312", "简体中文测试")]
    [InlineData("gbk", "简体中文測試")]
    [InlineData("greek", "Καλημέρα κόσμε")]
    [InlineData("hebrew", "שלום עולם")]
    [InlineData("koi8r", "Привет мир")]
    [InlineData("koi8u", "Привіт Україна ґ")]
    [InlineData("latin1", "Café € ÿ Œ")]
    [InlineData("latin2", "Zażółć Ťť")]
    [InlineData("latin5", "İstanbul ğış")]
    [InlineData("latin7", "Ąčę ķļņ žš")]
    [InlineData("macce", "Łódź ě")]
    [InlineData("macroman", "Café ƒ π")]
    [InlineData("sjis", "日本語テキスト")]
    [InlineData("tis620", "สวัสดีชาวโลก")]
    [InlineData("ucs2", "Ünïcödé ☃ Ω")]
    [InlineData("utf16", "Emoji 😀 ☃")]
    [InlineData("utf16le", "Emoji 😀 ☃")]
    [InlineData("utf32", "Emoji 😀 ☃")]
    [InlineData("utf8mb3", "Ünïcödé ☃ Ω")]
    [InlineData("utf8mb4", "Emoji 😀 ☃ 𝄞")]
    public async Task Sample_text_round_trips_into_duckdb(string charset, string sample)
    {
        Assert.Contains(charset, SupportedCharsets.Names);
        var available = (long)(await server.ScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = '{charset}'"))!;
        if (available == 0)
        {
            Assert.True(MissingOnMariaDb.TryGetValue(charset, out var reason), $"the server lacks {charset} and no reason is listed");
            output.WriteLine($"skipped {charset}: {reason}");
            return;
        }

        var db = await server.DatabaseForAsync(GetType());
        var name = "cs_" + charset;
        await db.ExecuteAsync($"CREATE OR REPLACE TABLE `{name}` (id INT PRIMARY KEY, v VARCHAR(60) CHARACTER SET {charset}, " +
                              $"e ENUM('{sample.Replace("'", "''")}', 'other') CHARACTER SET {charset})");
        await using (var connection = new MySqlConnection(db.RootConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new MySqlCommand($"SET SESSION sql_mode = 'STRICT_ALL_TABLES'; INSERT INTO `{name}` VALUES (1, @v, @v)", connection);
            insert.Parameters.AddWithValue("@v", sample);
            await insert.ExecuteNonQueryAsync();
        }
        // The server really stores it in that charset.
        Assert.Equal(charset, await db.ScalarAsync($"SELECT CHARSET(v) FROM `{name}`"));

        var (table, rows) = await SourceRows.ReadAsync(db, name);
        Assert.Equal(charset, table.Columns[1].Source!.CharacterSet);
        Assert.Equal([1L, sample, sample], Assert.Single(rows));

        using var file = new TempDuckDbFile();
        await using var destination = await DuckDbDestination.OpenAsync(file.Path);
        await destination.WriteSnapshotChunkAsync(table, rows, "snapshot:1");
        var back = TempDuckDbFile.Query(destination.Connection, $"SELECT v, e FROM {DuckDbDestination.QualifiedName(table.Id)}");
        Assert.Equal([sample, sample], Assert.Single(back));
    }
}
