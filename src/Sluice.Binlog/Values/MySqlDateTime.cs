using System.Globalization;
using System.Text;

namespace Sluice.Binlog.Values;

/// <summary>
/// A DATETIME / DATETIME2 cell: wall-clock fields exactly as stored (no time zone). Zero and invalid dates
/// ("0000-00-00 00:00:00", "2016-10-00 ...") are representable; use <see cref="TryToDateTime"/> for a real value.
/// </summary>
/// <param name="Microsecond">0..999999 (already scaled to microseconds whatever <paramref name="Fsp"/> is).</param>
/// <param name="Fsp">Fractional seconds precision of the column (0..6): how many fraction digits to show.</param>
public readonly record struct MySqlDateTime(int Year, int Month, int Day, int Hour, int Minute, int Second, int Microsecond, int Fsp)
{
    /// <summary>True for 0000-00-00 00:00:00(.0).</summary>
    public bool IsZero => Year == 0 && Month == 0 && Day == 0 && Hour == 0 && Minute == 0 && Second == 0 && Microsecond == 0;

    /// <summary>The date part.</summary>
    public MySqlDate Date => new(Year, Month, Day);

    /// <summary>A <see cref="DateTimeKind.Unspecified"/> DateTime, or false for zero/partial/out-of-range values.</summary>
    public bool TryToDateTime(out DateTime value)
    {
        if (Date.TryToDateOnly(out var d) && Hour is >= 0 and < 24 && Minute is >= 0 and < 60 && Second is >= 0 and < 60
            && Microsecond is >= 0 and < 1_000_000)
        {
            value = new DateTime(d.Year, d.Month, d.Day, Hour, Minute, Second, DateTimeKind.Unspecified).AddTicks(Microsecond * 10L);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary><c>YYYY-MM-DDTHH:MM:SS</c> plus <c>.f</c> with exactly <see cref="Fsp"/> digits (none when 0).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(26);
        sb.Append(MySqlDate.Format(Year, Month, Day)).Append('T');
        sb.Append(CultureInfo.InvariantCulture, $"{Hour:D2}:{Minute:D2}:{Second:D2}");
        AppendFraction(sb, Microsecond, Fsp);
        return sb.ToString();
    }

    /// <summary>Appends ".ffffff" cut to <paramref name="fsp"/> digits (nothing when fsp is 0).</summary>
    internal static void AppendFraction(StringBuilder sb, int microsecond, int fsp)
    {
        if (fsp <= 0) return;
        if (fsp > 6) fsp = 6;
        var digits = microsecond.ToString("D6", CultureInfo.InvariantCulture);
        sb.Append('.').Append(digits, 0, fsp);
    }
}
