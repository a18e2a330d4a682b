namespace Sluice.Binlog.Events;

/// <summary>Bitmap helpers: row images use LSB-first bitmaps, optional TABLE_MAP metadata MSB-first ones.</summary>
internal static class BinlogBits
{
    public static int Bytes(int bits) => (bits + 7) >> 3;

    /// <summary>Bit <paramref name="index"/> of an LSB-first bitmap (columns-present, NULL bitmaps).</summary>
    public static bool Lsb(ReadOnlySpan<byte> bitmap, int index) => (bitmap[index >> 3] & (1 << (index & 7))) != 0;

    /// <summary>Bit <paramref name="index"/> of an MSB-first bitmap (SIGNEDNESS, COLUMN_VISIBILITY metadata).</summary>
    public static bool Msb(ReadOnlySpan<byte> bitmap, int index) => (bitmap[index >> 3] & (0x80 >> (index & 7))) != 0;

    public static bool[] ToBoolsLsb(ReadOnlySpan<byte> bitmap, int count)
    {
        var result = new bool[count];
        for (var i = 0; i < count; i++) result[i] = Lsb(bitmap, i);
        return result;
    }

    public static int CountLsb(ReadOnlySpan<byte> bitmap, int count)
    {
        var n = 0;
        for (var i = 0; i < count; i++) if (Lsb(bitmap, i)) n++;
        return n;
    }
}
