using System.Numerics;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// The variable-length integers of MySQL's mysql::serialization format (GTID_TAGGED_LOG_EVENT, tags in tagged
/// PREVIOUS_GTIDS): 1 to 9 bytes little-endian; the number of trailing 1-bits of the first byte is the number of
/// extra bytes and the value sits above those marker bits (0xFF: the value is the next 8 bytes).
/// Signed values are zig-zag encoded (sign in the lowest bit).
/// </summary>
internal static class SerializationVarLen
{
    public static ulong ReadUnsigned(ref SpanReader reader)
    {
        var first = reader.PeekByte();
        var size = BitOperations.TrailingZeroCount(~(uint)first) + 1;
        if (size >= 9)
        {
            reader.ReadByte();
            return reader.ReadUInt64();
        }
        var raw = reader.ReadUIntLE(size);
        return raw >> size;
    }

    public static long ReadSigned(ref SpanReader reader)
    {
        var u = ReadUnsigned(ref reader);
        return (long)(u >> 1) ^ -(long)(u & 1);
    }

    public static string ReadString(ref SpanReader reader)
    {
        var length = ReadUnsigned(ref reader);
        if (length > int.MaxValue) throw new BinlogFormatException($"string length {length} too large at offset {reader.Offset}");
        return reader.ReadString((int)length);
    }
}
