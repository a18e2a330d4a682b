using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sluice.Replication.Mapping;

namespace Sluice.Replication.Values;

/// <summary>
/// The canonical value model every path (snapshot and binlog) converts source values into before a destination
/// writes them. A row is an <c>object?[]</c> aligned with the destination table's columns; each cell is one of:
/// <list type="table">
/// <item><term>null</term><description>SQL NULL (also an unparsable date/time outside the primary key).</description></item>
/// <item><term><see cref="bool"/></term><description>BOOLEAN (TINYINT(1) holding 0/1, BIT(1)).</description></item>
/// <item><term><see cref="long"/></term><description>INTEGER and LONG (always widened to 64 bits).</description></item>
/// <item><term><see cref="decimal"/> or <see cref="string"/></term><description>BIGDECIMAL: a <c>decimal</c> when
/// it holds the value exactly with the column's scale (its invariant text is the MySQL text, e.g. <c>1.50</c>), else
/// the exact MySQL text (e.g. DECIMAL(65,30) values beyond 28 digits).</description></item>
/// <item><term><see cref="double"/></term><description>DOUBLE (a FLOAT widened through its shortest decimal text, so
/// 1.1f becomes 1.1).</description></item>
/// <item><term><see cref="string"/></term><description>STRING (text, ENUM label, TIME as <c>[-]HH:MM:SS[.f…]</c>) and
/// JSON (JSON text: JSON columns verbatim, SET as an array of labels, GEOMETRY as GeoJSON).</description></item>
/// <item><term><see cref="byte"/>[]</term><description>BINARY (BIT(n&gt;1) as ceil(n/8) big-endian bytes).</description></item>
/// <item><term><see cref="DateOnly"/></term><description>DATE.</description></item>
/// <item><term><see cref="DateTime"/></term><description>TIMESTAMP_NTZ with Kind Unspecified; TIMESTAMP with Kind Utc.</description></item>
/// </list>
/// </summary>
public static class CanonicalValues
{
    public static readonly DateOnly EpochDate = new(1970, 1, 1);
    public static readonly DateTime EpochNtz = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    public static readonly DateTime EpochUtc = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A BIGDECIMAL from its exact text: a <see cref="decimal"/> when that round-trips to the same text, else the text.</summary>
    public static object BigDecimal(string text)
    {
        Span<char> formatted = stackalloc char[64];
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value.TryFormat(formatted, out var written, default, CultureInfo.InvariantCulture)
            && formatted[..written].SequenceEqual(text))
        {
            return value;
        }
        return text;
    }

    /// <summary>The exact text of a BIGDECIMAL value (decimal or string).</summary>
    public static string BigDecimalText(object value) => value switch
    {
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"{value.GetType().Name} is not a BIGDECIMAL value"),
    };

    /// <summary>
    /// SHA-256 (lower-case hex) of the values' canonical encoding: per value a one-byte type tag, a 4-byte big-endian
    /// payload length and the payload — N null (empty), B bool (1 byte), L long (8 bytes big-endian), D BIGDECIMAL
    /// (UTF-8 exact text), F double (8 bytes IEEE-754 big-endian; -0 as 0), S string (UTF-8), X bytes (raw),
    /// d DateOnly (<c>yyyy-MM-dd</c>), t DateTime Unspecified and z DateTime Utc (<c>yyyy-MM-ddTHH:mm:ss.ffffff</c>).
    /// This is the <c>_fivetran_id</c> of a row of a table without primary key.
    /// </summary>
    /// <remarks>
    /// <paramref name="types"/> (aligned with <paramref name="values"/>, optional) makes BIGDECIMAL cells encode as D
    /// whether they are held as <c>decimal</c> or as exact text.
    /// </remarks>
    public static string Hash(IReadOnlyList<object?> values, IReadOnlyList<DestinationTypeKind>? types = null, ReadOnlySpan<byte> salt = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (!salt.IsEmpty) hash.AppendData(salt);
        for (var i = 0; i < values.Count; i++) Append(hash, values[i], types?[i]);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The salted SHA-256 (lower-case hex) of one value (column hashing): SHA-256(salt ‖ encoding(value)).</summary>
    public static string SaltedHash(object value, DestinationTypeKind type, ReadOnlySpan<byte> salt) => Hash([value], [type], salt);

    /// <summary>Appends one value's canonical encoding (see <see cref="Hash"/>).</summary>
    public static void Append(IncrementalHash hash, object? value, DestinationTypeKind? type = null)
    {
        Span<byte> small = stackalloc byte[8];
        if (value is not null && type == DestinationTypeKind.BigDecimal)
        {
            Write(hash, (byte)'D', Encoding.UTF8.GetBytes(BigDecimalText(value)));
            return;
        }
        switch (value)
        {
            case null:
                Write(hash, (byte)'N', []);
                break;
            case bool b:
                small[0] = b ? (byte)1 : (byte)0;
                Write(hash, (byte)'B', small[..1]);
                break;
            case long or int or short or sbyte or byte or ushort or uint:
                BinaryPrimitives.WriteInt64BigEndian(small, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                Write(hash, (byte)'L', small);
                break;
            case decimal d:
                Write(hash, (byte)'D', Encoding.UTF8.GetBytes(d.ToString(CultureInfo.InvariantCulture)));
                break;
            case double f:
                BinaryPrimitives.WriteInt64BigEndian(small, BitConverter.DoubleToInt64Bits(f == 0 ? 0.0 : f));
                Write(hash, (byte)'F', small);
                break;
            case string s:
                Write(hash, (byte)'S', Encoding.UTF8.GetBytes(s));
                break;
            case byte[] bytes:
                Write(hash, (byte)'X', bytes);
                break;
            case DateOnly date:
                Write(hash, (byte)'d', Encoding.ASCII.GetBytes(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                break;
            case DateTime dt:
                Write(hash, dt.Kind == DateTimeKind.Utc ? (byte)'z' : (byte)'t',
                    Encoding.ASCII.GetBytes(dt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)));
                break;
            default:
                throw new ArgumentException($"{value.GetType().Name} is not a canonical value type");
        }
    }

    private static void Write(IncrementalHash hash, byte tag, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], payload.Length);
        hash.AppendData(header);
        hash.AppendData(payload);
    }

    /// <summary>Whether two canonical values are equal as the encoding sees them (used to compare keys).</summary>
    public static bool KeyEquals(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        return (a, b) switch
        {
            (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
            (DateTime x, DateTime y) => x == y && x.Kind == y.Kind,
            _ => Equals(Widen(a), Widen(b)),
        };
    }

    private static object Widen(object v) => v switch
    {
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        _ => v,
    };
}
