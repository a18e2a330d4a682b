using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Tests.Values;

public sealed class TemporalValueTests
{
    [Theory]
    [InlineData(true, 507, 48, 27, 0, 0, "-507:48:27")]
    [InlineData(false, 838, 59, 59, 0, 0, "838:59:59")]
    [InlineData(true, 0, 0, 0, 10000, 2, "-00:00:00.01")]
    [InlineData(false, 25, 0, 1, 123456, 6, "25:00:01.123456")]
    [InlineData(false, 1, 2, 3, 120000, 3, "01:02:03.120")]
    public void Time_formats_negative_and_long_durations(bool negative, int h, int m, int s, int us, int fsp, string text)
    {
        var t = new MySqlTime(negative, h, m, s, us, fsp);
        Assert.Equal(text, t.ToString());
        var span = TimeSpan.FromHours(h) + TimeSpan.FromMinutes(m) + TimeSpan.FromSeconds(s) + TimeSpan.FromMicroseconds(us);
        Assert.Equal(negative ? -span : span, t.ToTimeSpan());
    }

    [Fact]
    public void Time2_decodes_minus_507_hours()
    {
        // -507:48:27 in TIME2(0): 0x800000 - (507<<12 | 48<<6 | 27)
        var magnitude = (507 << 12) | (48 << 6) | 27;
        var raw = 0x800000 - magnitude;
        var cell = new[] { (byte)(raw >> 16), (byte)(raw >> 8), (byte)raw };
        var r = new SpanReader(cell);
        var t = Assert.IsType<MySqlTime>(CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Time2, 0)));
        Assert.Equal("-507:48:27", t.ToString());
        Assert.Equal(-(TimeSpan.FromDays(21) + new TimeSpan(3, 48, 27)), t.ToTimeSpan());
    }

    [Fact]
    public void Zero_and_invalid_dates_never_throw()
    {
        var zero = new MySqlDateTime(0, 0, 0, 0, 0, 0, 0, 0);
        Assert.True(zero.IsZero);
        Assert.False(zero.TryToDateTime(out _));
        Assert.Equal("0000-00-00T00:00:00", zero.ToString());
        Assert.False(new MySqlDateTime(2023, 2, 30, 0, 0, 0, 0, 0).TryToDateTime(out _));
        Assert.False(new MySqlDate(2016, 0, 28).TryToDateOnly(out _));
        Assert.True(new MySqlDate(0, 0, 0).IsZero);
        Assert.True(new MySqlDate(2024, 2, 29).TryToDateOnly(out var d) && d == new DateOnly(2024, 2, 29));

        var ts = new MySqlTimestamp(0, 0, 3);
        Assert.True(ts.IsZero);
        Assert.False(ts.TryToDateTimeOffset(out _));
        Assert.Equal("0000-00-00T00:00:00.000Z", ts.ToString());
        var real = new MySqlTimestamp(1490106309, 765432, 6);
        Assert.Equal("2017-03-21T14:25:09.765432Z", real.ToString());
        Assert.True(real.TryToDateTimeOffset(out var dto));
        Assert.Equal(new DateTimeOffset(2017, 3, 21, 14, 25, 9, TimeSpan.Zero).AddTicks(7654320), dto);

        var dt = new MySqlDateTime(2012, 6, 21, 15, 45, 17, 765000, 3);
        Assert.Equal("2012-06-21T15:45:17.765", dt.ToString());
        Assert.True(dt.TryToDateTime(out var v));
        Assert.Equal(new DateTime(2012, 6, 21, 15, 45, 17, 765), v);
    }

    [Theory]
    [InlineData("0000000000")] // below the DATETIME2 offset
    [InlineData("ffffffffff")]
    [InlineData("8000000000")] // zero
    public void Odd_datetime2_bytes_decode_without_throwing(string hex)
    {
        var r = new SpanReader(Convert.FromHexString(hex));
        var dt = Assert.IsType<MySqlDateTime>(CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.DateTime2, 0)));
        Assert.False(dt.TryToDateTime(out _) && dt.Year > 9999);
        _ = dt.ToString();
    }
}
