using System.Numerics;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Tests.Values;

public sealed class DecimalTests
{
    /// <summary>Test-side encoder of MySQL's binary DECIMAL (decimal2bin), written from the format description.</summary>
    private static byte[] Encode(string text, int precision, int scale)
    {
        var negative = text.StartsWith('-');
        var parts = text.TrimStart('-').Split('.');
        var intDigits = parts[0].PadLeft(precision - scale, '0');
        var fracDigits = (parts.Length > 1 ? parts[1] : "").PadRight(scale, '0');
        int[] partial = [0, 1, 1, 2, 2, 3, 3, 4, 4];
        var bytes = new List<byte>();
        void Group(string digits, int size)
        {
            var v = digits.Length == 0 ? 0u : uint.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
            for (var i = size - 1; i >= 0; i--) bytes.Add((byte)(v >> (8 * i)));
        }
        var lead = intDigits.Length % 9;
        if (lead > 0) Group(intDigits[..lead], partial[lead]);
        for (var i = lead; i < intDigits.Length; i += 9) Group(intDigits.Substring(i, 9), 4);
        var full = scale / 9 * 9;
        for (var i = 0; i < full; i += 9) Group(fracDigits.Substring(i, 9), 4);
        if (scale % 9 > 0) Group(fracDigits[full..], partial[scale % 9]);
        var result = bytes.ToArray();
        result[0] ^= 0x80;
        if (negative) for (var i = 0; i < result.Length; i++) result[i] ^= 0xFF;
        return result;
    }

    [Theory]
    [InlineData("99999999999999999999999999999999999999999999999999999999999999999", 65, 0)]
    [InlineData("-99999999999999999999999999999999999999999999999999999999999999999", 65, 0)]
    [InlineData("99999999999999999999999999999999999.999999999999999999999999999999", 65, 30)]
    [InlineData("-12345678901234567890123456789012345.123456789012345678901234567890", 65, 30)]
    [InlineData("0.000000000000000000000000000001", 65, 30)]
    [InlineData("0.00", 10, 2)]
    [InlineData("-1234.5600", 12, 4)]
    [InlineData("7", 1, 0)]
    public void Decodes_up_to_max_precision_65(string text, int precision, int scale)
    {
        var bytes = Encode(text, precision, scale);
        Assert.Equal(MySqlDecimal.BinarySize(precision, scale), bytes.Length);
        var r = new SpanReader(bytes);
        var d = Assert.IsType<MySqlDecimal>(CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.NewDecimal, (ushort)(precision << 8 | scale))));
        Assert.Equal(text, d.Text);
        Assert.Equal(bytes.Length, r.Offset);
        var big = BigInteger.Parse(text.Replace(".", ""), System.Globalization.CultureInfo.InvariantCulture);
        if (scale <= 28 && BigInteger.Abs(big) < BigInteger.Parse("79228162514264337593543950335")) Assert.Equal(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), d.ToDecimal());
        else Assert.Null(d.ToDecimal());
    }

    [Fact]
    public void Old_decimal_and_bad_digits_throw()
    {
        var r = new SpanReader(new byte[8]);
        var e = Assert.Throws<BinlogFormatException>(() =>
        {
            var rr = new SpanReader(new byte[8]);
            CellDecoder.Read(ref rr, new ColumnInfo(0, ColumnType.Decimal, 0));
        });
        Assert.Contains("DECIMAL", e.Message);
        Assert.Throws<BinlogFormatException>(() => MySqlDecimal.Decode(Convert.FromHexString("ffffffff"), 9, 0)); // group > 999999999
        Assert.Throws<BinlogFormatException>(() => MySqlDecimal.Decode(Convert.FromHexString("80"), 9, 0)); // truncated
        Assert.Equal(0, r.Offset);
    }
}
