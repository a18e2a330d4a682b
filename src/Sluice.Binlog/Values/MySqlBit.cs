using System.Globalization;

namespace Sluice.Binlog.Values;

/// <summary>A BIT(n) cell: the value (bit 0 = least significant) and the column width n (1..64).</summary>
public readonly record struct MySqlBit(ulong Value, int Bits)
{
    /// <summary>The value as <see cref="Bits"/> binary digits, most significant first (e.g. BIT(4) 5 = "0101").</summary>
    public override string ToString()
    {
        var width = Math.Clamp(Bits, 1, 64);
        var s = Convert.ToString(unchecked((long)Value), 2);
        return s.Length >= width ? s : s.PadLeft(width, '0');
    }

    /// <summary>The value in hexadecimal, e.g. for BIT(16) 0x0301 "0301" (two digits per storage byte).</summary>
    public string ToHex()
    {
        var bytes = Math.Max(1, (Math.Clamp(Bits, 1, 64) + 7) / 8);
        return Value.ToString("x" + (bytes * 2).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
