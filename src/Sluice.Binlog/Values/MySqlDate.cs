using System.Globalization;

namespace Sluice.Binlog.Values;

/// <summary>
/// A DATE (or NEWDATE) cell. Any field may be zero ("0000-00-00", "2016-00-28"): MySQL allows zero and partial dates,
/// so this type never validates; use <see cref="TryToDateOnly"/> to get a real calendar date.
/// </summary>
public readonly record struct MySqlDate(int Year, int Month, int Day)
{
    /// <summary>True for the zero date 0000-00-00.</summary>
    public bool IsZero => Year == 0 && Month == 0 && Day == 0;

    /// <summary>The calendar date, or false when the value is zero, partial (month/day 0) or otherwise invalid.</summary>
    public bool TryToDateOnly(out DateOnly date)
    {
        if (Year is >= 1 and <= 9999 && Month is >= 1 and <= 12 && Day >= 1 && Day <= DateTime.DaysInMonth(Year, Month))
        {
            date = new DateOnly(Year, Month, Day);
            return true;
        }
        date = default;
        return false;
    }

    /// <summary><c>YYYY-MM-DD</c>.</summary>
    public override string ToString() => Format(Year, Month, Day);

    internal static string Format(int year, int month, int day) =>
        string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
}
