namespace Sluice.Replication.Mapping;

/// <summary>The character sets Sluice supports; any other text column fails the table's sync.</summary>
public static class SupportedCharsets
{
    /// <summary>The supported list (<c>utf8</c>, the pre-8.0 name of utf8mb3, is accepted too); see docs/spec-coverage.md.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ascii", "big5", "cp1250", "cp1251", "cp1256", "cp1257", "cp850", "cp852", "cp866", "cp932", "euckr",
        "gb18030", "gb2312", "gbk", "greek", "hebrew", "koi8r", "koi8u", "latin1", "latin2", "latin5", "latin7",
        "macce", "macroman", "sjis", "tis620", "ucs2", "utf16", "utf16le", "utf32", "utf8mb3", "utf8mb4", "utf8",
    };

    /// <summary>True for null (non-text columns, and the <c>binary</c> pseudo charset, which information_schema reports as null).</summary>
    public static bool IsSupported(string? charset) =>
        charset is null || charset.Equals("binary", StringComparison.OrdinalIgnoreCase) || Names.Contains(charset);
}

/// <summary>A text column uses a character set outside <see cref="SupportedCharsets"/>.</summary>
public sealed class UnsupportedCharsetException(string table, string column, string charset)
    : Exception($"table {table}: column {column} uses character set '{charset}', which is not supported " +
                $"(supported: {string.Join(", ", SupportedCharsets.Names.Order(StringComparer.Ordinal))})")
{
    public string Table { get; } = table;
    public string Column { get; } = column;
    public string Charset { get; } = charset;
}
