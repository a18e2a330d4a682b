using System.Globalization;

namespace Sluice.Binlog.Gtid;

/// <summary>
/// One MySQL GTID: <c>source_uuid:gno</c>, or with a MySQL 8.4+ tag <c>source_uuid:tag:gno</c>.
/// </summary>
/// <param name="SourceId">The originating server's UUID.</param>
/// <param name="Tag">The lower-case tag, or null for an untagged GTID.</param>
/// <param name="Gno">The transaction number, 1 to 2^63-1.</param>
public readonly record struct MySqlGtid(Guid SourceId, string? Tag, long Gno)
{
    public MySqlGtid(Guid sourceId, long gno) : this(sourceId, null, gno) { }

    public override string ToString() =>
        Tag is null
            ? $"{SourceId:D}:{Gno.ToString(CultureInfo.InvariantCulture)}"
            : $"{SourceId:D}:{Tag}:{Gno.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>uuid:gno</c> or <c>uuid:tag:gno</c>.</summary>
    public static MySqlGtid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split(':');
        if (parts.Length is < 2 or > 3) throw new FormatException($"'{text}' is not a MySQL GTID (uuid:gno or uuid:tag:gno)");
        var uuid = GtidText.ParseUuid(parts[0], text);
        var tag = parts.Length == 3 ? GtidText.NormalizeTag(parts[1], text) : null;
        var gno = GtidText.ParseGno(parts[^1], text);
        return new MySqlGtid(uuid, tag, gno);
    }
}

/// <summary>An inclusive range of GNOs, <c>Start-End</c>.</summary>
public readonly record struct GtidInterval(long Start, long End)
{
    public override string ToString() =>
        Start == End
            ? Start.ToString(CultureInfo.InvariantCulture)
            : Start.ToString(CultureInfo.InvariantCulture) + "-" + End.ToString(CultureInfo.InvariantCulture);
}

internal static class GtidText
{
    public static Guid ParseUuid(string s, string whole)
    {
        var t = s.Trim();
        if (!Guid.TryParseExact(t, "D", out var g) && !Guid.TryParseExact(t, "N", out g))
            throw new FormatException($"'{t}' in '{whole}' is not a UUID");
        return g;
    }

    public static long ParseGno(string s, string whole)
    {
        if (!long.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
            throw new FormatException($"'{s.Trim()}' in '{whole}' is not a transaction number (1 to 2^63-1)");
        return v;
    }

    /// <summary>True when <paramref name="s"/> looks like a tag (starts with a letter or '_') rather than a number.</summary>
    public static bool LooksLikeTag(string s) => s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_');

    /// <summary>MySQL tags: [a-z_][a-z0-9_]{0,31}, case-insensitive (stored lower-case).</summary>
    public static string NormalizeTag(string s, string whole)
    {
        var t = s.Trim().ToLowerInvariant();
        var ok = t.Length is >= 1 and <= 32 && (char.IsAsciiLetterLower(t[0]) || t[0] == '_');
        for (var i = 1; ok && i < t.Length; i++) ok = char.IsAsciiLetterLower(t[i]) || char.IsAsciiDigit(t[i]) || t[i] == '_';
        if (!ok) throw new FormatException($"'{s.Trim()}' in '{whole}' is not a GTID tag ([a-z_][a-z0-9_]{{0,31}})");
        return t;
    }
}
