using System.Text;

namespace Sluice.Binlog.Events;

/// <summary>
/// Maps a MySQL/MariaDB collation id to a .NET encoding for texts carried by events (QUERY SQL text, USER_VAR
/// strings). Unknown ids fall back to UTF-8, which is what modern servers use.
/// </summary>
internal static class CharsetText
{
    public const int Binary = 63;

    private static readonly Lazy<Encoding> Windows1252 = new(() =>
        CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1);

    public static Encoding ForCollation(int? collationId) => collationId switch
    {
        // latin1 (MySQL's latin1 is really cp1252)
        5 or 8 or 15 or 31 or 47 or 48 or 49 or 94 => Windows1252.Value,
        // ucs2 and utf16 are big-endian
        35 or 90 or (>= 128 and <= 151) or 54 or 55 or (>= 101 and <= 124) => Encoding.BigEndianUnicode,
        56 or 62 => Encoding.Unicode,
        60 or 61 or (>= 160 and <= 183) => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        _ => Encoding.UTF8,
    };

    public static string Decode(ReadOnlySpan<byte> bytes, int? collationId) => ForCollation(collationId).GetString(bytes);
}
