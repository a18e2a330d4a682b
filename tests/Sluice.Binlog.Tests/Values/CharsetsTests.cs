using System.Text;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Tests.Values;

public sealed class CharsetsTests
{
    /// <summary>Every supported charset, with a sample string it can represent.</summary>
    public static TheoryData<string, string> SpecCharsets => new()
    {
        { "ascii", "Hello, world 123" },
        { "big5", "中文測試" },
        { "cp1250", "Příliš žluťoučký kůň" },
        { "cp1251", "Съешь же ещё этих" },
        { "cp1256", "مرحبا بالعالم" },
        { "cp1257", "Ąčęėįšųūž" },
        { "cp850", "Ça déjà vu ÆØÅ" },
        { "cp852", "Zażółć gęślą jaźń" },
        { "cp866", "Привет мир" },
        { "cp932", "日本語テキスト①" },
        { "euckr", "한국어 텍스트" },
        { "gb18030", "中文测试😀" },
        { "gb2312", "中文测试" },
        { "gbk", "中文測試" },
        { "greek", "Καλημέρα κόσμε" },
        { "hebrew", "שלום עולם" },
        { "koi8r", "Привет мир" },
        { "koi8u", "Привіт світ ґ" },
        { "latin1", "Café crème € ƒ" },
        { "latin2", "Zażółć gęślą jaźń" },
        { "latin5", "Iğdır şehri" },
        { "latin7", "Ąčęėįšųūž" },
        { "macce", "Příliš žluťoučký" },
        { "macroman", "Café ™ ∞" },
        { "sjis", "日本語テキスト" },
        { "tis620", "สวัสดีชาวโลก" },
        { "ucs2", "Ünïcödé ✓" },
        { "utf16", "Ünïcödé ✓ 😀" },
        { "utf16le", "Ünïcödé ✓ 😀" },
        { "utf32", "Ünïcödé ✓ 😀" },
        { "utf8mb3", "Ünïcödé ✓ 中" },
        { "utf8mb4", "Ünïcödé ✓ 中 😀" },
    };

    [Fact]
    public void Latin1_is_mysqls_windows_1252_not_iso_8859_1()
    {
        var latin1 = Charsets.GetEncoding(8); // latin1_swedish_ci
        Assert.Equal("€", latin1.GetString([0x80]));
        Assert.Equal("ƒ„…†‡ˆ‰Š‹Œ", latin1.GetString([0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C]));
        Assert.Equal("‘’“”•–—˜™š›œžŸ", latin1.GetString([0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9E, 0x9F]));
        Assert.Equal("é ÿ", latin1.GetString([0xE9, 0x20, 0xFF]));
        // The five bytes Windows-1252 leaves undefined are the C1 controls of the same value in MySQL's latin1.
        Assert.Equal("\u0081\u008D\u008F\u0090\u009D", latin1.GetString([0x81, 0x8D, 0x8F, 0x90, 0x9D]));
    }

    [Theory]
    [MemberData(nameof(SpecCharsets))]
    public void Charset_round_trips_a_sample(string charset, string sample)
    {
        var encoding = Charsets.GetEncodingByCharsetName(charset);
        Assert.NotNull(encoding);
        var bytes = encoding.GetBytes(sample);
        Assert.Equal(sample, encoding.GetString(bytes));

        // And through a VARCHAR cell whose collation belongs to that charset.
        var collation = Enumerable.Range(1, 4095).First(id => Charsets.GetCharsetName(id) == charset);
        var cell = new byte[2 + bytes.Length];
        cell[0] = (byte)bytes.Length;
        cell[1] = (byte)(bytes.Length >> 8);
        bytes.CopyTo(cell, 2);
        var reader = new SpanReader(cell);
        var value = CellDecoder.Read(ref reader, new ColumnInfo(0, ColumnType.VarChar, 1000, CollationId: collation));
        Assert.Equal(sample, value);
        Assert.Equal(cell.Length, reader.Offset);
    }

    [Theory]
    [InlineData(8, "latin1")]
    [InlineData(33, "utf8mb3")]
    [InlineData(45, "utf8mb4")]
    [InlineData(63, "binary")]
    [InlineData(76, "utf8mb3")] // utf8mb3_tolower_ci (MySQL 8.0.30)
    [InlineData(95, "cp932")]
    [InlineData(224, "utf8mb4")]
    [InlineData(248, "gb18030")]
    [InlineData(255, "utf8mb4")] // utf8mb4_0900_ai_ci
    [InlineData(309, "utf8mb4")] // utf8mb4_0900_bin
    [InlineData(577, "utf8mb3")] // MariaDB utf8mb3_myanmar_ci
    [InlineData(608, "utf8mb4")] // MariaDB utf8mb4_croatian_mysql561_ci
    [InlineData(1057, "utf8mb3")] // MariaDB utf8mb3_general_nopad_ci
    [InlineData(1070, "utf8mb4")] // MariaDB utf8mb4_nopad_bin
    [InlineData(2048, "utf8mb3")] // MariaDB utf8mb3_uca1400_ai_ci
    [InlineData(2304, "utf8mb4")] // MariaDB utf8mb4_uca1400_ai_ci
    [InlineData(2560, "ucs2")]
    [InlineData(2816, "utf16")]
    [InlineData(3072, "utf32")]
    public void Maps_collation_ids_to_charsets(int id, string charset) => Assert.Equal(charset, Charsets.GetCharsetName(id));

    [Fact]
    public void Binary_and_unknown_collations_have_no_encoding()
    {
        Assert.False(Charsets.TryGetEncoding(63, out _));
        Assert.False(Charsets.TryGetEncoding(17, out _)); // unassigned
        Assert.False(Charsets.TryGetEncoding(3, out _)); // dec8: no .NET encoding
        Assert.Null(Charsets.GetEncodingByCharsetName("binary"));
        Assert.Null(Charsets.GetEncodingByCharsetName("nonsense"));
        Assert.Same(Charsets.GetEncodingByCharsetName("utf8mb4"), Charsets.GetEncodingByCharsetName("UTF8"));
    }

    [Fact]
    public void Unsupported_charset_errors_name_the_collation()
    {
        var e = Assert.Throws<BinlogFormatException>(() => Charsets.GetEncoding(3));
        Assert.Contains("dec8", e.Message);
        Assert.Contains("3", e.Message);
        e = Assert.Throws<BinlogFormatException>(() => Charsets.GetEncoding(4000));
        Assert.Contains("4000", e.Message);

        var cell = new byte[] { 1, (byte)'a' };
        var ex = Assert.Throws<BinlogFormatException>(() =>
        {
            var r = new SpanReader(cell);
            CellDecoder.Read(ref r, new ColumnInfo(2, ColumnType.VarChar, 10, CollationId: 37, Name: "k"));
        });
        Assert.Contains("keybcs2", ex.Message);
        Assert.Contains("k", ex.Message);
    }

    [Fact]
    public void Binary_collation_and_unknown_charset_give_bytes()
    {
        var cell = new byte[] { 2, 0xC3, 0xA9 };
        var r = new SpanReader(cell);
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.VarChar, 10, CollationId: 63)));
        r = new SpanReader(cell);
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Blob, 1)));
        r = new SpanReader(cell);
        Assert.Equal("é", CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Blob, 1, CollationId: 255)));
        r = new SpanReader(cell);
        // Text whose collation was not logged: the bytes as stored, never a guessed charset.
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.VarChar, 10)));
        Assert.Equal(Encoding.UTF8.WebName, Charsets.GetEncoding(255).WebName);
    }

    [Fact]
    public void Char_and_binary_of_unknown_collation_keep_their_bytes_unpadded()
    {
        // CHAR(4)/BINARY(4): STRING metadata real_type 0xFE, length 4; latin1 "é\0" (0xE9 0x00) and binary 0x61.
        var latin1 = new byte[] { 2, 0xE9, 0x00 };
        var r = new SpanReader(latin1);
        Assert.Equal(new byte[] { 0xE9, 0x00 }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.String, 0xFE04)));
        Assert.Equal(3, r.Offset);
        r = new SpanReader(latin1);
        Assert.Equal("é\0", CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.String, 0xFE04, CollationId: 8)));
        // With the binary collation logged the decoder restores BINARY(n)'s 0x00 padding; without it the caller does.
        var binary = new byte[] { 1, 0x61 };
        r = new SpanReader(binary);
        Assert.Equal(new byte[] { 0x61, 0, 0, 0 }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.String, 0xFE04, CollationId: 63)));
        r = new SpanReader(binary);
        Assert.Equal(new byte[] { 0x61 }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.String, 0xFE04)));
        // ucs2 (collation 35) bytes stay bytes without the collation, decode as UTF-16BE with it.
        var ucs2 = new byte[] { 4, 0x03, 0xA9, 0x00, 0x00 };
        r = new SpanReader(ucs2);
        Assert.Equal(new byte[] { 0x03, 0xA9, 0x00, 0x00 }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.VarChar, 20)));
        r = new SpanReader(ucs2);
        Assert.Equal("Ω\0", CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.VarChar, 20, CollationId: 35)));
    }
}
