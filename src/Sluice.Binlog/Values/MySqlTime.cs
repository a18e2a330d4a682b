using System.Globalization;
using System.Text;

namespace Sluice.Binlog.Values;

/// <summary>
/// A TIME / TIME2 cell: a signed duration, hours may exceed 24 (MySQL's range is -838:59:59 to 838:59:59, and
/// binlogs can carry values like -507:48:27).
/// </summary>
/// <param name="Negative">True for values below zero (including -00:00:00.01).</param>
/// <param name="Hours">Magnitude of the hours, 0..1023.</param>
/// <param name="Microsecond">0..999999.</param>
/// <param name="Fsp">Fractional seconds precision of the column (0..6).</param>
public readonly record struct MySqlTime(bool Negative, int Hours, int Minutes, int Seconds, int Microsecond, int Fsp)
{
    /// <summary>The signed duration.</summary>
    public TimeSpan ToTimeSpan()
    {
        var ticks = ((Hours * 3600L + Minutes * 60L + Seconds) * 1_000_000L + Microsecond) * 10L;
        return new TimeSpan(Negative ? -ticks : ticks);
    }

    /// <summary><c>[-]HH:MM:SS</c> (at least two hour digits) plus <c>.f</c> with exactly <see cref="Fsp"/> digits.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(18);
        if (Negative) sb.Append('-');
        sb.Append(CultureInfo.InvariantCulture, $"{Hours:D2}:{Minutes:D2}:{Seconds:D2}");
        MySqlDateTime.AppendFraction(sb, Microsecond, Fsp);
        return sb.ToString();
    }
}
