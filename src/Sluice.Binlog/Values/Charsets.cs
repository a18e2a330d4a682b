using System.Runtime.CompilerServices;
using System.Collections.Frozen;
using System.Text;

namespace Sluice.Binlog.Values;

/// <summary>
/// MySQL / MariaDB character sets and collation ids mapped to .NET encodings.
/// <para>
/// Collation ids: 1..323 as in MySQL 8 (same as MariaDB below 256); MariaDB extras 576..767 (croatian/myanmar/
/// thai_520_w2 collations, 32-id blocks for utf8mb3, utf8mb4, ucs2, utf16, -, utf32); MariaDB NO PAD collations
/// 1024..2047 (id - 1024 is the PAD SPACE twin of the same charset); MariaDB UCA-14.0.0 collations 2048..3327
/// (256-id blocks: utf8mb3, utf8mb4, ucs2, utf16, utf32). The server sends ids, never names, in TABLE_MAP.
/// </para>
/// <para>
/// latin1 is MySQL's cp1252 variant; ucs2, utf16 and utf32 are big-endian; sjis and cp932 both decode with code
/// page 932; tis620 with 874; ujis/eucjpms with EUC-JP (51932). dec8, hp8, swe7, keybcs2, armscii8 and geostd8 have no
/// .NET encoding and are reported as unsupported.
/// </para>
/// </summary>
public static class Charsets
{
    /// <summary>The <c>binary</c> pseudo-collation: bytes, not text.</summary>
    public const int BinaryCollationId = 63;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // Charset of each collation id below 1024 (MySQL 8 and MariaDB 10/11).
    private static readonly FrozenDictionary<int, string> CharsetByCollation = BuildCollationTable();

    // The encoding of each supported collation id, filled on first use (ids above the table are looked up each time).
    private static readonly Encoding?[] ResolvedEncodings = new Encoding?[2048 + 5 * 256];

    // Lazily created encodings per charset name (code-page encodings need the provider registered first).
    private static readonly Lazy<FrozenDictionary<string, Encoding>> EncodingsByCharset = new(BuildEncodings);

    static Charsets()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Every charset name this class can decode (lower case, MySQL spelling, plus aliases utf8 and binary).</summary>
    public static IReadOnlyCollection<string> SupportedCharsets => EncodingsByCharset.Value.Keys;

    /// <summary>The MySQL charset name of a collation id (e.g. 255 → "utf8mb4", 2304 → "utf8mb4"), or null when unknown.</summary>
    public static string? GetCharsetName(int collationId)
    {
        if (CharsetByCollation.TryGetValue(collationId, out var name)) return name;
        if (collationId is >= 1024 and < 2048 && CharsetByCollation.TryGetValue(collationId - 1024, out name)) return name;
        if (collationId is >= 2048 and < 2048 + 5 * 256)
        {
            return ((collationId - 2048) / 256) switch
            {
                0 => "utf8mb3",
                1 => "utf8mb4",
                2 => "ucs2",
                3 => "utf16",
                _ => "utf32",
            };
        }
        return null;
    }

    /// <summary>
    /// The encoding for a collation id. False for unknown ids, for charsets without a .NET encoding, and for
    /// <see cref="BinaryCollationId"/> (binary data is not text).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryGetEncoding(int collationId, out Encoding encoding)
    {
        // Resolved once per id (every text cell asks): a benign race at worst stores the same encoding twice.
        var cached = (uint)collationId < (uint)ResolvedEncodings.Length ? ResolvedEncodings[collationId] : null;
        if (cached is not null)
        {
            encoding = cached;
            return true;
        }
        var name = GetCharsetName(collationId);
        if (name is not null && name != "binary" && EncodingsByCharset.Value.TryGetValue(name, out var e))
        {
            if ((uint)collationId < (uint)ResolvedEncodings.Length) ResolvedEncodings[collationId] = e;
            encoding = e;
            return true;
        }
        encoding = null!;
        return false;
    }

    /// <summary>The encoding for a collation id, or a <see cref="BinlogFormatException"/> naming the id and charset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Encoding GetEncoding(int collationId)
    {
        if (TryGetEncoding(collationId, out var e)) return e;
        var name = GetCharsetName(collationId);
        throw new BinlogFormatException(name is null
            ? $"unsupported collation id {collationId}: unknown to this decoder"
            : $"unsupported character set '{name}' (collation id {collationId}): no .NET encoding for it");
    }

    /// <summary>The encoding for a charset name such as "utf8mb4", "latin1", "utf8" (case-insensitive), or null.</summary>
    public static Encoding? GetEncodingByCharsetName(string charsetName)
    {
        ArgumentNullException.ThrowIfNull(charsetName);
        return EncodingsByCharset.Value.TryGetValue(charsetName.Trim().ToLowerInvariant(), out var e) ? e : null;
    }

    private static FrozenDictionary<string, Encoding> BuildEncodings()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var d = new Dictionary<string, Encoding>(StringComparer.Ordinal)
        {
            ["utf8mb4"] = Utf8,
            ["utf8mb3"] = Utf8,
            ["utf8"] = Utf8,
            ["ascii"] = Encoding.ASCII,
            ["latin1"] = CodePage(1252),
            ["latin2"] = CodePage(28592),
            ["latin5"] = CodePage(28599),
            ["latin7"] = CodePage(28603),
            ["greek"] = CodePage(28597),
            ["hebrew"] = CodePage(28598),
            ["cp1250"] = CodePage(1250),
            ["cp1251"] = CodePage(1251),
            ["cp1256"] = CodePage(1256),
            ["cp1257"] = CodePage(1257),
            ["cp850"] = CodePage(850),
            ["cp852"] = CodePage(852),
            ["cp866"] = CodePage(866),
            ["cp932"] = CodePage(932),
            ["sjis"] = CodePage(932),
            ["big5"] = CodePage(950),
            ["euckr"] = CodePage(51949),
            ["gb2312"] = CodePage(936),
            ["gbk"] = CodePage(936),
            ["gb18030"] = CodePage(54936),
            ["koi8r"] = CodePage(20866),
            ["koi8u"] = CodePage(21866),
            ["macce"] = CodePage(10029),
            ["macroman"] = CodePage(10000),
            ["tis620"] = CodePage(874),
            ["ujis"] = CodePage(51932),
            ["eucjpms"] = CodePage(51932),
            ["ucs2"] = new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
            ["utf16"] = new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
            ["utf16le"] = new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
            ["utf32"] = new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        };
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static Encoding CodePage(int codePage) => Encoding.GetEncoding(codePage);

    private static FrozenDictionary<int, string> BuildCollationTable()
    {
        var t = new Dictionary<int, string>();
        void Add(string charset, params int[] ids)
        {
            foreach (var id in ids) t[id] = charset;
        }
        void Range(string charset, int from, int to)
        {
            for (var id = from; id <= to; id++) t[id] = charset;
        }

        Add("big5", 1, 84);
        Add("latin2", 2, 9, 21, 27, 77);
        Add("dec8", 3, 69);
        Add("cp850", 4, 80);
        Add("latin1", 5, 8, 15, 31, 47, 48, 49, 94);
        Add("hp8", 6, 72);
        Add("koi8r", 7, 74);
        Add("swe7", 10, 82);
        Add("ascii", 11, 65);
        Add("ujis", 12, 91);
        Add("sjis", 13, 88);
        Add("cp1251", 14, 23, 50, 51, 52);
        Add("hebrew", 16, 71);
        Add("tis620", 18, 89);
        Add("euckr", 19, 85);
        Add("latin7", 20, 41, 42, 79);
        Add("koi8u", 22, 75);
        Add("gb2312", 24, 86);
        Add("greek", 25, 70);
        Add("cp1250", 26, 34, 44, 66, 99);
        Add("gbk", 28, 87);
        Add("cp1257", 29, 58, 59);
        Add("latin5", 30, 78);
        Add("armscii8", 32, 64);
        Add("utf8mb3", 33, 76, 83, 223);
        Add("ucs2", 35, 90, 159);
        Add("cp866", 36, 68);
        Add("keybcs2", 37, 73);
        Add("macce", 38, 43);
        Add("macroman", 39, 53);
        Add("cp852", 40, 81);
        Add("utf8mb4", 45, 46);
        Add("utf16", 54, 55);
        Add("utf16le", 56, 62);
        Add("cp1256", 57, 67);
        Add("utf32", 60, 61);
        Add("binary", 63);
        Add("geostd8", 92, 93);
        Add("cp932", 95, 96);
        Add("eucjpms", 97, 98);
        Range("utf16", 101, 124);
        Range("ucs2", 128, 151);
        Range("utf32", 160, 183);
        Range("utf8mb3", 192, 215);
        Range("utf8mb4", 224, 247);
        Range("gb18030", 248, 250);
        Range("utf8mb4", 255, 323); // MySQL 8 utf8mb4_0900_* and later additions
        // MariaDB: croatian_mysql561 / myanmar / thai_520_w2 collations.
        Range("utf8mb3", 576, 607);
        Range("utf8mb4", 608, 639);
        Range("ucs2", 640, 671);
        Range("utf16", 672, 703);
        Range("utf32", 736, 767);
        return t.ToFrozenDictionary();
    }
}
