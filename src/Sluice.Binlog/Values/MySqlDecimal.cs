using System.Runtime.CompilerServices;
using System.Globalization;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Values;

/// <summary>
/// A DECIMAL (NEWDECIMAL) value as its exact text: optional '-', the integer digits without leading zeros ("0" when
/// there are none), then '.' and exactly <see cref="Scale"/> fraction digits when the scale is above 0. No exponent.
/// Examples: "-1234.5600" (scale 4), "0.00" (zero, scale 2), "17" (scale 0).
/// </summary>
public sealed record MySqlDecimal(string Text, int Precision, int Scale)
{
    /// <summary>Digits packed in each full 4-byte group of the binary format.</summary>
    private const int DigitsPerGroup = 9;

    /// <summary>Bytes used by a leading/trailing partial group of 0..8 digits.</summary>
    private static ReadOnlySpan<byte> PartialGroupBytes => [0, 1, 1, 2, 2, 3, 3, 4, 4];

    /// <summary>Whether <see cref="Text"/> starts with '-'.</summary>
    public bool IsNegative => Text.StartsWith('-');

    /// <summary>The value as a .NET decimal when it fits exactly (at most 28-29 significant digits), else null.</summary>
    public decimal? ToDecimal()
    {
        if (!decimal.TryParse(Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
            return null;
        // decimal keeps the parsed scale; if rounding happened (too many digits) the text no longer matches.
        return d.ToString(CultureInfo.InvariantCulture) == Text ? d : null;
    }

    public override string ToString() => Text;

    /// <summary>Bytes a DECIMAL(precision, scale) value occupies in a row image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int BinarySize(int precision, int scale)
    {
        Validate(precision, scale);
        var intg = precision - scale;
        return intg / DigitsPerGroup * 4 + PartialGroupBytes[intg % DigitsPerGroup]
            + scale / DigitsPerGroup * 4 + PartialGroupBytes[scale % DigitsPerGroup];
    }

    /// <summary>
    /// Reads MySQL's binary DECIMAL format (decimal2bin): integer digits then fraction digits, packed 9 decimal digits
    /// per 4-byte big-endian group, a partial group at the start of the integer part and at the end of the fraction;
    /// the first bit is inverted (set = non-negative) and negative values have every byte inverted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static MySqlDecimal Read(ref SpanReader reader, int precision, int scale)
    {
        var size = BinarySize(precision, scale);
        var start = reader.Offset;
        if (reader.Remaining < size)
            throw new BinlogFormatException($"DECIMAL({precision},{scale}) needs {size} bytes at offset {start}, {reader.Remaining} left");
        return Decode(reader.ReadBytes(size), precision, scale, start);
    }

    /// <summary>Decodes exactly <see cref="BinarySize"/> bytes (see <see cref="Read"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static MySqlDecimal Decode(ReadOnlySpan<byte> data, int precision, int scale, int offsetForErrors = 0)
    {
        var size = BinarySize(precision, scale);
        if (data.Length < size)
            throw new BinlogFormatException($"DECIMAL({precision},{scale}) needs {size} bytes at offset {offsetForErrors}, {data.Length} given");

        Span<byte> buf = stackalloc byte[size];
        data[..size].CopyTo(buf);
        var negative = (buf[0] & 0x80) == 0;
        buf[0] ^= 0x80;
        if (negative)
        {
            for (var i = 0; i < buf.Length; i++) buf[i] ^= 0xFF;
        }

        // Every group is written zero-padded to its digit count: [spare][spare][integer digits]['.'][fraction digits];
        // then the integer's leading zeros are skipped and the sign (or a lone '0') goes into the slot before.
        var intg = precision - scale;
        Span<char> chars = stackalloc char[precision + 3];
        var pos = 0;
        var at = 2;
        var leadDigits = intg % DigitsPerGroup;
        if (leadDigits > 0) WriteGroup(chars, ref at, buf, ref pos, leadDigits, precision, scale, offsetForErrors);
        for (var g = 0; g < intg / DigitsPerGroup; g++) WriteGroup(chars, ref at, buf, ref pos, DigitsPerGroup, precision, scale, offsetForErrors);
        var intEnd = at;
        var first = 2;
        while (first < intEnd && chars[first] == '0') first++;
        var allZero = first == intEnd;
        if (allZero)
        {
            first = intEnd - 1;
            chars[first] = '0';
        }
        if (scale > 0)
        {
            chars[at++] = '.';
            var fracStart = at;
            for (var g = 0; g < scale / DigitsPerGroup; g++) WriteGroup(chars, ref at, buf, ref pos, DigitsPerGroup, precision, scale, offsetForErrors);
            var tailDigits = scale % DigitsPerGroup;
            if (tailDigits > 0) WriteGroup(chars, ref at, buf, ref pos, tailDigits, precision, scale, offsetForErrors);
            if (allZero) allZero = !chars[fracStart..at].ContainsAnyExcept('0');
        }

        // "-0.00" is not a value MySQL produces; keep zero unsigned.
        if (negative && !allZero) chars[--first] = '-';
        return new MySqlDecimal(new string(chars[first..at]), precision, scale);
    }

    /// <summary>Reads one big-endian group of <paramref name="digits"/> digits and writes them zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteGroup(Span<char> chars, ref int at, ReadOnlySpan<byte> buf, ref int pos, int digits, int precision, int scale, int offset)
    {
        var n = digits == DigitsPerGroup ? 4 : PartialGroupBytes[digits];
        uint v = 0;
        for (var i = 0; i < n; i++) v = (v << 8) | buf[pos + i];
        pos += n;
        if (v >= Pow10(digits))
            throw new BinlogFormatException($"DECIMAL({precision},{scale}) at offset {offset}: group value {v} has more than {digits} digits");
        for (var i = at + digits - 1; i >= at; i--)
        {
            var q = v / 10;
            chars[i] = (char)('0' + (v - q * 10));
            v = q;
        }
        at += digits;
    }

    private static uint Pow10(int n) => Powers10[n];

    private static ReadOnlySpan<uint> Powers10 => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    // Columns allow precision 1..65 (MySQL/MariaDB), but DECIMAL values inside binary JSON are written with the
    // precision of the in-memory decimal, which can reach 81 (9 groups of 9 digits; seen in real MySQL output).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Validate(int precision, int scale)
    {
        if (precision is < 1 or > 81 || scale < 0 || scale > 38 || scale > precision)
            throw new BinlogFormatException($"invalid DECIMAL precision/scale ({precision},{scale}): precision must be 1..81 and scale 0..min(38, precision)");
    }
}
