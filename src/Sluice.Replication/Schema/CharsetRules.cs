namespace Sluice.Replication.Schema;

/// <summary>Facts about MySQL/MariaDB character sets needed to derive column definitions from DDL.</summary>
public static class CharsetRules
{
    private static readonly Dictionary<string, (string Collation, int MaxBytes)> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["armscii8"] = ("armscii8_general_ci", 1), ["ascii"] = ("ascii_general_ci", 1), ["big5"] = ("big5_chinese_ci", 2),
        ["binary"] = ("binary", 1), ["cp1250"] = ("cp1250_general_ci", 1), ["cp1251"] = ("cp1251_general_ci", 1),
        ["cp1256"] = ("cp1256_general_ci", 1), ["cp1257"] = ("cp1257_general_ci", 1), ["cp850"] = ("cp850_general_ci", 1),
        ["cp852"] = ("cp852_general_ci", 1), ["cp866"] = ("cp866_general_ci", 1), ["cp932"] = ("cp932_japanese_ci", 2),
        ["dec8"] = ("dec8_swedish_ci", 1), ["eucjpms"] = ("eucjpms_japanese_ci", 3), ["euckr"] = ("euckr_korean_ci", 2),
        ["gb18030"] = ("gb18030_chinese_ci", 4), ["gb2312"] = ("gb2312_chinese_ci", 2), ["gbk"] = ("gbk_chinese_ci", 2),
        ["geostd8"] = ("geostd8_general_ci", 1), ["greek"] = ("greek_general_ci", 1), ["hebrew"] = ("hebrew_general_ci", 1),
        ["hp8"] = ("hp8_english_ci", 1), ["keybcs2"] = ("keybcs2_general_ci", 1), ["koi8r"] = ("koi8r_general_ci", 1),
        ["koi8u"] = ("koi8u_general_ci", 1), ["latin1"] = ("latin1_swedish_ci", 1), ["latin2"] = ("latin2_general_ci", 1),
        ["latin5"] = ("latin5_turkish_ci", 1), ["latin7"] = ("latin7_general_ci", 1), ["macce"] = ("macce_general_ci", 1),
        ["macroman"] = ("macroman_general_ci", 1), ["sjis"] = ("sjis_japanese_ci", 2), ["swe7"] = ("swe7_swedish_ci", 1),
        ["tis620"] = ("tis620_thai_ci", 1), ["ucs2"] = ("ucs2_general_ci", 2), ["ujis"] = ("ujis_japanese_ci", 3),
        ["utf16"] = ("utf16_general_ci", 4), ["utf16le"] = ("utf16le_general_ci", 4), ["utf32"] = ("utf32_general_ci", 4),
        ["utf8mb3"] = ("utf8mb3_general_ci", 3), ["utf8mb4"] = ("utf8mb4_general_ci", 4),
    };

    /// <summary>The canonical spelling: lower case, <c>utf8</c> → <c>utf8mb3</c>.</summary>
    public static string Normalize(string charset)
    {
        var lower = charset.ToLowerInvariant();
        return lower == "utf8" ? "utf8mb3" : lower;
    }

    /// <summary>The canonical collation spelling: lower case, <c>utf8_*</c> → <c>utf8mb3_*</c>.</summary>
    public static string NormalizeCollation(string collation)
    {
        var lower = collation.ToLowerInvariant();
        return lower.StartsWith("utf8_", StringComparison.Ordinal) ? "utf8mb3_" + lower[5..] : lower;
    }

    public static bool IsKnown(string charset) => Known.ContainsKey(Normalize(charset));

    /// <summary>MariaDB's default collation of a charset (<c>{charset}_general_ci</c> for one not listed).</summary>
    public static string DefaultCollation(string charset) =>
        Known.TryGetValue(Normalize(charset), out var info) ? info.Collation : Normalize(charset) + "_general_ci";

    /// <summary>Bytes per character at most (1 for unknown charsets).</summary>
    public static int MaxBytesPerChar(string charset) => Known.TryGetValue(Normalize(charset), out var info) ? info.MaxBytes : 1;

    /// <summary>The charset of a collation: the longest known charset name it starts with (<c>binary</c> for <c>binary</c>).</summary>
    public static string? CharsetOfCollation(string collation)
    {
        var c = NormalizeCollation(collation);
        if (c == "binary") return "binary";
        string? best = null;
        foreach (var name in Known.Keys)
        {
            if (c.StartsWith(name + "_", StringComparison.Ordinal) && (best is null || name.Length > best.Length)) best = name;
        }
        return best;
    }

    /// <summary>The <c>_bin</c> collation of a charset (the BINARY attribute of CHAR/VARCHAR/TEXT).</summary>
    public static string BinaryCollation(string charset) => Normalize(charset) == "binary" ? "binary" : Normalize(charset) + "_bin";
}
