using System.Globalization;
using System.Text;

namespace Sluice.Replication.Snapshot;

/// <summary>
/// Turns a raw chunk key (<see cref="SnapshotChunk.LastKey"/>) into a string and back, exactly, so snapshot progress can
/// be persisted and a restarted process resumes after the last committed chunk.
/// <para>
/// Format: <c>k1:</c> followed by one element per key column, separated by commas. Each element is a type tag and its
/// payload: <c>L</c> signed 64-bit decimal, <c>U</c> unsigned 64-bit decimal, <c>F</c> a double's IEEE-754 bits as 16
/// hex digits, <c>S</c> UTF-8 text in base64, <c>X</c> bytes in base64, <c>N</c> null (no payload). Example:
/// <c>k1:L42,SMjAyMS0wMi0zMA==</c>.
/// </para>
/// </summary>
public static class ChunkKeyCodec
{
    private const string Prefix = "k1:";

    /// <summary>Encodes a raw key (values of type long, ulong, double, string, byte[] or null).</summary>
    public static string Encode(IReadOnlyList<object?> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sb = new StringBuilder(Prefix);
        for (var i = 0; i < key.Count; i++)
        {
            if (i > 0) sb.Append(',');
            switch (key[i])
            {
                case null: sb.Append('N'); break;
                case long l: sb.Append('L').Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case ulong u: sb.Append('U').Append(u.ToString(CultureInfo.InvariantCulture)); break;
                case double d: sb.Append('F').Append(BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture)); break;
                case string s: sb.Append('S').Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(s))); break;
                case byte[] b: sb.Append('X').Append(Convert.ToBase64String(b)); break;
                case var other:
                    throw new ArgumentException($"key element {i} is a {other.GetType().Name}; a chunk key holds long, ulong, double, string or byte[]");
            }
        }
        return sb.ToString();
    }

    /// <summary>Decodes <see cref="Encode"/>'s output; malformed text throws <see cref="FormatException"/> naming the element.</summary>
    public static object?[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"chunk key '{Shorten(text)}' does not start with '{Prefix}'");
        }
        var body = text[Prefix.Length..];
        if (body.Length == 0) return [];
        var parts = body.Split(',');
        var key = new object?[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0) throw new FormatException($"chunk key element {i} is empty in '{Shorten(text)}'");
            var payload = part.AsSpan(1);
            try
            {
                key[i] = part[0] switch
                {
                    'N' when payload.IsEmpty => null,
                    'L' => long.Parse(payload, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                    'U' => ulong.Parse(payload, NumberStyles.None, CultureInfo.InvariantCulture),
                    'F' when payload.Length == 16 =>
                        BitConverter.Int64BitsToDouble(long.Parse(payload, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)),
                    'S' => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(payload.ToString())),
                    'X' => Convert.FromBase64String(payload.ToString()),
                    var tag => throw new FormatException($"unknown tag '{tag}' or bad payload length"),
                };
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or DecoderFallbackException)
            {
                throw new FormatException($"chunk key element {i} ('{Shorten(part)}') is malformed: {ex.Message}", ex);
            }
        }
        return key;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
