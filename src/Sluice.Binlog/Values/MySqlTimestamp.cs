using System.Globalization;
using System.Text;

namespace Sluice.Binlog.Values;

/// <summary>
/// A TIMESTAMP / TIMESTAMP2 cell: an instant as seconds since the Unix epoch (UTC). 0 is MySQL's zero timestamp
/// ("0000-00-00 00:00:00"), see <see cref="IsZero"/>.
/// </summary>
/// <param name="Seconds">Seconds since 1970-01-01T00:00:00Z (0 = zero timestamp).</param>
/// <param name="Microsecond">0..999999.</param>
/// <param name="Fsp">Fractional seconds precision of the column (0..6).</param>
public readonly record struct MySqlTimestamp(long Seconds, int Microsecond, int Fsp)
{
    public bool IsZero => Seconds == 0 && Microsecond == 0;

    /// <summary>The instant (offset zero), or false for the zero timestamp or a value out of DateTimeOffset's range.</summary>
    public bool TryToDateTimeOffset(out DateTimeOffset value)
    {
        if (!IsZero && Seconds >= -62135596800L && Seconds <= 253402300799L && Microsecond is >= 0 and < 1_000_000)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(Seconds).AddTicks(Microsecond * 10L);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary><c>YYYY-MM-DDTHH:MM:SS[.f]Z</c> in UTC; the zero timestamp prints as <c>0000-00-00T00:00:00Z</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(28);
        if (IsZero || !TryToDateTimeOffset(out var v))
        {
            sb.Append("0000-00-00T00:00:00");
        }
        else
        {
            var u = v.UtcDateTime;
            sb.Append(CultureInfo.InvariantCulture, $"{u.Year:D4}-{u.Month:D2}-{u.Day:D2}T{u.Hour:D2}:{u.Minute:D2}:{u.Second:D2}");
        }
        MySqlDateTime.AppendFraction(sb, Microsecond, Fsp);
        return sb.Append('Z').ToString();
    }
}
