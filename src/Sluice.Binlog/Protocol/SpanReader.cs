using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Text;

namespace Sluice.Binlog.Protocol;

/// <summary>
/// A forward-only reader over a span of protocol or binlog bytes. Little-endian unless a method says otherwise.
/// Reading past the end throws <see cref="BinlogFormatException"/> with the offset, never an IndexOutOfRange.
/// </summary>
public ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _offset;

    public SpanReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _offset = 0;
    }

    public readonly int Offset => _offset;
    public readonly int Length => _buffer.Length;
    public readonly int Remaining => _buffer.Length - _offset;
    public readonly bool IsAtEnd => _offset >= _buffer.Length;
    public readonly ReadOnlySpan<byte> RemainingSpan => _buffer[_offset..];
    public readonly ReadOnlySpan<byte> Buffer => _buffer;

    public void Seek(int offset)
    {
        if ((uint)offset > (uint)_buffer.Length) throw Overrun(offset - _offset);
        _offset = offset;
    }

    public void Skip(int count) => Take(count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte() => Take(1)[0];
    public sbyte ReadSByte() => (sbyte)Take(1)[0];
    public readonly byte PeekByte() => _offset < _buffer.Length ? _buffer[_offset] : throw Overrun(1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt24()
    {
        var s = Take(3);
        return (uint)(s[0] | (s[1] << 8) | (s[2] << 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt24()
    {
        var v = (int)ReadUInt24();
        return (v & 0x800000) != 0 ? v | unchecked((int)0xFF000000) : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt48()
    {
        var s = Take(6);
        return s[0] | ((ulong)s[1] << 8) | ((ulong)s[2] << 16) | ((ulong)s[3] << 24) | ((ulong)s[4] << 32) | ((ulong)s[5] << 40);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>Unsigned little-endian integer of 1 to 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUIntLE(int bytes)
    {
        var s = Take(bytes);
        ulong v = 0;
        for (var i = bytes - 1; i >= 0; i--) v = (v << 8) | s[i];
        return v;
    }

    /// <summary>Unsigned big-endian integer of 1 to 8 bytes (DECIMAL and temporal *2 formats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUIntBE(int bytes)
    {
        var s = Take(bytes);
        ulong v = 0;
        for (var i = 0; i < bytes; i++) v = (v << 8) | s[i];
        return v;
    }

    /// <summary>Length-encoded integer (protocol "lenenc int"; binlog "packed integer"). 0xFB (NULL) returns null.</summary>
    public ulong? ReadLengthEncodedIntegerOrNull()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFB => null,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw new BinlogFormatException($"invalid length-encoded integer prefix 0xFF at offset {_offset - 1}"),
        };
    }

    public ulong ReadLengthEncodedInteger() =>
        ReadLengthEncodedIntegerOrNull() ?? throw new BinlogFormatException($"unexpected NULL length-encoded integer at offset {_offset - 1}");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public ReadOnlySpan<byte> ReadLengthEncodedBytes() => Take(checked((int)ReadLengthEncodedInteger()));

    public ReadOnlySpan<byte> ReadRemaining() => Take(Remaining);

    /// <summary>Bytes up to (not including) the next 0x00, which is consumed. Without a terminator: the rest.</summary>
    public ReadOnlySpan<byte> ReadNullTerminated()
    {
        var rest = _buffer[_offset..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            _offset = _buffer.Length;
            return rest;
        }
        _offset += end + 1;
        return rest[..end];
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminated());
    public string ReadString(int count) => Encoding.UTF8.GetString(Take(count));
    public string ReadLengthEncodedString() => Encoding.UTF8.GetString(ReadLengthEncodedBytes());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _buffer.Length - _offset) throw Overrun(count);
        var s = _buffer.Slice(_offset, count);
        _offset += count;
        return s;
    }

    private readonly BinlogFormatException Overrun(int wanted) =>
        new($"truncated data: wanted {wanted} byte(s) at offset {_offset}, {_buffer.Length - _offset} left");
}
