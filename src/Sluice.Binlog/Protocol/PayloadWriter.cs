using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Sluice.Binlog.Protocol;

/// <summary>Builds a (small) client payload: little-endian integers, length-encoded values, strings.</summary>
public sealed class PayloadWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public PayloadWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buffer.WrittenCount;
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public PayloadWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public PayloadWriter WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
        return this;
    }

    public PayloadWriter WriteUInt24(uint value)
    {
        if (value > 0xFFFFFF) throw new ArgumentOutOfRangeException(nameof(value), value, "does not fit in 3 bytes");
        var s = _buffer.GetSpan(3);
        s[0] = (byte)value;
        s[1] = (byte)(value >> 8);
        s[2] = (byte)(value >> 16);
        _buffer.Advance(3);
        return this;
    }

    public PayloadWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public PayloadWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    /// <summary>Protocol "length-encoded integer".</summary>
    public PayloadWriter WriteLengthEncodedInteger(ulong value)
    {
        switch (value)
        {
            case < 0xFB:
                return WriteByte((byte)value);
            case <= 0xFFFF:
                WriteByte(0xFC);
                return WriteUInt16((ushort)value);
            case <= 0xFFFFFF:
                WriteByte(0xFD);
                return WriteUInt24((uint)value);
            default:
                WriteByte(0xFE);
                return WriteUInt64(value);
        }
    }

    public PayloadWriter WriteBytes(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public PayloadWriter WriteZeros(int count)
    {
        var s = _buffer.GetSpan(count)[..count];
        s.Clear();
        _buffer.Advance(count);
        return this;
    }

    public PayloadWriter WriteLengthEncodedBytes(ReadOnlySpan<byte> bytes)
    {
        WriteLengthEncodedInteger((ulong)bytes.Length);
        return WriteBytes(bytes);
    }

    public PayloadWriter WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var s = _buffer.GetSpan(count);
        Encoding.UTF8.GetBytes(value, s);
        _buffer.Advance(count);
        return this;
    }

    public PayloadWriter WriteNullTerminatedString(string value)
    {
        if (value.Contains('\0')) throw new ArgumentException("a NUL-terminated string cannot contain NUL", nameof(value));
        WriteString(value);
        return WriteByte(0);
    }

    public PayloadWriter WriteLengthEncodedString(string value) => WriteLengthEncodedBytes(Encoding.UTF8.GetBytes(value));
}
