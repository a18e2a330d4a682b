using System.Text;
using Sluice.Replication.Values;

namespace Sluice.Replication.Snapshot;

/// <summary>
/// A destination key: the primary key cells of a row in canonical values (key order), or for a table without primary
/// key its one-element identity (the <c>_fivetran_id</c>-style hash of the whole row). Equality is
/// <see cref="CanonicalValues.KeyEquals"/> per cell (bytes by content, integers widened, BIGDECIMAL by exact text).
/// </summary>
public readonly struct RowKey : IEquatable<RowKey>
{
    private readonly object?[] _values;

    public RowKey(params object?[] values) => _values = values ?? throw new ArgumentNullException(nameof(values));

    public IReadOnlyList<object?> Values => _values ?? [];

    public bool Equals(RowKey other)
    {
        var a = _values ?? [];
        var b = other._values ?? [];
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
        {
            if (!CanonicalValues.KeyEquals(a[i], b[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is RowKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in _values ?? [])
        {
            switch (value)
            {
                case null: hash.Add(0); break;
                case byte[] bytes: hash.AddBytes(bytes); break;
                case int or short or sbyte or byte or ushort or uint or long:
                    hash.Add(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                // KeyEquals compares decimals by their text, which a string BIGDECIMAL holds too.
                case decimal d: hash.Add(d.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal); break;
                case string s: hash.Add(s, StringComparer.Ordinal); break;
                case DateTime dt: hash.Add(dt.Ticks); hash.Add(dt.Kind); break;
                default: hash.Add(value); break;
            }
        }
        return hash.ToHashCode();
    }

    public static bool operator ==(RowKey left, RowKey right) => left.Equals(right);

    public static bool operator !=(RowKey left, RowKey right) => !left.Equals(right);

    /// <summary>A readable form: <c>(1, 'a')</c>; bytes in hex, dates ISO.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("(");
        var values = _values ?? [];
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Format(values[i]));
        }
        return sb.Append(')').ToString();
    }

    /// <summary>One canonical value as text (also used by reports).</summary>
    public static string Format(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        byte[] b => "0x" + Convert.ToHexString(b),
        bool b => b ? "TRUE" : "FALSE",
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + (dt.Kind == DateTimeKind.Utc ? "Z" : ""),
        double f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
