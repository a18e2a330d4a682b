using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Sluice.Binlog.Client;
using Sluice.Binlog.Gtid;

namespace Sluice.Replication.Positions;

/// <summary>
/// The text form of a <see cref="BinlogPosition"/> stored as a destination table's position and in persisted state:
/// <c>file:pos</c>, then <c>;mariadb=</c><i>GTID list</i> and/or <c>;mysql=</c><i>GTID set</i> when the position has
/// that GTID state, e.g. <c>mariadb-bin.000003:1234;mariadb=0-1-100,1-2-5</c>. It round-trips exactly (GTID state
/// included; an empty GTID state stays distinct from none). In the file name, <c>%</c>, <c>:</c> and <c>;</c> are
/// written <c>%25</c>, <c>%3A</c>, <c>%3B</c>. Order positions with <see cref="BinlogPositionComparer"/>, not as strings.
/// </summary>
public static class BinlogPositionText
{
    private const string MariaDbKey = "mariadb=", MySqlKey = "mysql=";

    public static string Format(BinlogPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        var sb = new StringBuilder(position.FileName.Length + 24);
        foreach (var c in position.FileName)
        {
            sb.Append(c switch
            {
                '%' => "%25",
                ':' => "%3A",
                ';' => "%3B",
                _ => c.ToString(),
            });
        }
        sb.Append(':').Append(position.Position.ToString(CultureInfo.InvariantCulture));
        if (position.MariaDbGtids is { } mariaDb) sb.Append(';').Append(MariaDbKey).Append(mariaDb);
        if (position.MySqlGtids is { } mySql) sb.Append(';').Append(MySqlKey).Append(mySql);
        return sb.ToString();
    }

    /// <summary>Parses <see cref="Format"/>'s text; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static BinlogPosition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var position, out var error)
            ? position
            : throw new FormatException($"'{text}' is not a binlog position: {error}");
    }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out BinlogPosition? position) =>
        TryParse(text, out position, out _);

    private static bool TryParse(string? text, [NotNullWhen(true)] out BinlogPosition? position, out string error)
    {
        position = null;
        if (text is null)
        {
            error = "null";
            return false;
        }
        var parts = text.Split(';');
        var head = parts[0];
        var colon = head.LastIndexOf(':');
        if (colon < 0)
        {
            error = "no ':' between file and position";
            return false;
        }
        if (!long.TryParse(head.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            error = $"position '{head[(colon + 1)..]}' is not a non-negative integer";
            return false;
        }
        if (!TryUnescape(head[..colon], out var file))
        {
            error = "malformed %-escape in the file name";
            return false;
        }

        MariaDbGtidList? mariaDb = null;
        MySqlGtidSet? mySql = null;
        try
        {
            for (var i = 1; i < parts.Length; i++)
            {
                var part = parts[i];
                if (part.StartsWith(MariaDbKey, StringComparison.Ordinal) && mariaDb is null)
                {
                    mariaDb = MariaDbGtidList.Parse(part[MariaDbKey.Length..]);
                }
                else if (part.StartsWith(MySqlKey, StringComparison.Ordinal) && mySql is null)
                {
                    mySql = MySqlGtidSet.Parse(part[MySqlKey.Length..]);
                }
                else
                {
                    error = $"unexpected or repeated part '{part}'";
                    return false;
                }
            }
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }

        position = new BinlogPosition(file, offset, mySql, mariaDb);
        error = "";
        return true;
    }

    private static bool TryUnescape(string escaped, out string value)
    {
        value = escaped;
        if (!escaped.Contains('%', StringComparison.Ordinal)) return true;
        var sb = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '%')
            {
                sb.Append(escaped[i]);
                continue;
            }
            if (i + 2 >= escaped.Length) return false;
            var code = escaped.AsSpan(i + 1, 2);
            if (code.Equals("25", StringComparison.Ordinal)) sb.Append('%');
            else if (code.Equals("3A", StringComparison.OrdinalIgnoreCase)) sb.Append(':');
            else if (code.Equals("3B", StringComparison.OrdinalIgnoreCase)) sb.Append(';');
            else return false;
            i += 2;
        }
        value = sb.ToString();
        return true;
    }

    /// <summary>
    /// The sequence number of a binlog file name (<c>mariadb-bin.000012</c> → 12): the digits after the last '.', or
    /// -1 when the name has no numeric suffix (or is empty).
    /// </summary>
    public static long FileSequence(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var dot = fileName.LastIndexOf('.');
        var suffix = fileName.AsSpan(dot + 1);
        return suffix.Length > 0 && long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    /// <summary>The file name without its numeric suffix (<c>mariadb-bin.000012</c> → <c>mariadb-bin</c>).</summary>
    public static string FileBase(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var dot = fileName.LastIndexOf('.');
        return dot >= 0 && FileSequence(fileName) >= 0 ? fileName[..dot] : fileName;
    }
}
