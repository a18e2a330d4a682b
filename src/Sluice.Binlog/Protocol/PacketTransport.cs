using System.Buffers;

namespace Sluice.Binlog.Protocol;

/// <summary>
/// MySQL packet framing over a <see cref="Stream"/>: each packet is a 3-byte little-endian length, a 1-byte sequence id
/// and the payload; a payload of 0xFFFFFF bytes or more continues in the following packet(s) (a final shorter one,
/// possibly empty, ends it). Reads go through a small pooled read-ahead buffer; large payloads are read straight into
/// a pooled array of their own, so nothing but the current payload is ever held.
/// </summary>
public sealed class PacketTransport : IAsyncDisposable
{
    /// <summary>The largest payload one packet carries; a packet this long is continued by the next one.</summary>
    public const int MaxPacketPayload = 0xFFFFFF;

    /// <summary>Default limit for one (reassembled) payload: a 1 GiB event plus its status byte, with room to spare.</summary>
    public const int DefaultMaxPayloadLength = (1 << 30) + (1 << 16);

    private const int ReadBufferSize = 64 * 1024;

    private Stream _stream;
    private byte[] _readBuffer;
    private int _readStart;
    private int _readEnd;
    private readonly bool _ownsStream;

    public PacketTransport(Stream stream, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _readBuffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
    }

    /// <summary>The sequence id the next packet (read or written) must carry.</summary>
    public byte Sequence { get; private set; }

    /// <summary>Payloads larger than this are refused with <see cref="BinlogFormatException"/>.</summary>
    public int MaxPayloadLength { get; init; } = DefaultMaxPayloadLength;

    /// <summary>When false, the sequence ids of incoming packets are not checked (only tracked).</summary>
    public bool CheckSequence { get; init; } = true;

    public Stream Stream => _stream;

    /// <summary>Starts a new command: the next packet carries sequence id 0.</summary>
    public void ResetSequence() => Sequence = 0;

    /// <summary>Swaps the underlying stream (the TLS upgrade). No buffered bytes may be pending.</summary>
    public void ReplaceStream(Stream stream)
    {
        if (_readEnd != _readStart)
            throw new BinlogFormatException($"{_readEnd - _readStart} unexpected byte(s) from the server before the TLS handshake");
        _stream = stream;
    }

    /// <summary>
    /// Moves the bytes read ahead but not yet framed into <paramref name="destination"/> (for a reader that takes over
    /// the stream and frames packets itself, continuing from <see cref="Sequence"/>). Returns how many were moved.
    /// </summary>
    internal int TakeBuffered(Span<byte> destination)
    {
        var count = Math.Min(_readEnd - _readStart, destination.Length);
        _readBuffer.AsSpan(_readStart, count).CopyTo(destination);
        _readStart += count;
        return count;
    }

    /// <summary>Reads one payload, reassembling continued packets. Dispose the result to return its buffer.</summary>
    public async ValueTask<PooledPayload> ReadPayloadAsync(CancellationToken cancellationToken = default)
    {
        var length = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (length < MaxPacketPayload)
        {
            var array = length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await ReadExactAsync(array.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                if (length > 0) ArrayPool<byte>.Shared.Return(array);
                throw;
            }
            return new PooledPayload(array, length);
        }

        // Continued payload: grow a rented array as the chunks arrive (doubling, so copies stay linear).
        var buffer = ArrayPool<byte>.Shared.Rent(2 * MaxPacketPayload);
        var total = 0;
        try
        {
            while (true)
            {
                if ((long)total + length > MaxPayloadLength)
                    throw new BinlogFormatException(
                        $"payload larger than the {MaxPayloadLength}-byte limit (more than {total + (long)length} bytes after {total} reassembled)");
                if (total + length > buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(2L * buffer.Length, (long)total + length), Array.MaxLength));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                await ReadExactAsync(buffer.AsMemory(total, length), cancellationToken).ConfigureAwait(false);
                total += length;
                if (length < MaxPacketPayload) break;
                length = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return new PooledPayload(buffer, total);
    }

    /// <summary>Writes one payload, split into 16 MiB packets when needed, and flushes.</summary>
    public async ValueTask WritePayloadAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length < MaxPacketPayload)
        {
            var array = ArrayPool<byte>.Shared.Rent(payload.Length + 4);
            try
            {
                WriteHeader(array, payload.Length, Sequence++);
                payload.Span.CopyTo(array.AsSpan(4));
                await _stream.WriteAsync(array.AsMemory(0, payload.Length + 4), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
        else
        {
            var header = new byte[4];
            var offset = 0;
            while (true)
            {
                var chunk = Math.Min(MaxPacketPayload, payload.Length - offset);
                WriteHeader(header, chunk, Sequence++);
                await _stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
                await _stream.WriteAsync(payload.Slice(offset, chunk), cancellationToken).ConfigureAwait(false);
                offset += chunk;
                if (chunk < MaxPacketPayload) break;
            }
        }
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteHeader(Span<byte> destination, int length, byte sequence)
    {
        destination[0] = (byte)length;
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)(length >> 16);
        destination[3] = sequence;
    }

    private async ValueTask<int> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (_readEnd - _readStart < 4) await FillAsync(4, cancellationToken).ConfigureAwait(false);
        var b = _readBuffer;
        var length = b[_readStart] | (b[_readStart + 1] << 8) | (b[_readStart + 2] << 16);
        var sequence = b[_readStart + 3];
        _readStart += 4;
        if (CheckSequence && sequence != Sequence)
            throw new BinlogFormatException($"packet out of order: sequence id {sequence}, expected {Sequence}");
        Sequence = (byte)(sequence + 1);
        return length;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available in the read-ahead buffer.</summary>
    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_readStart > 0)
        {
            var pending = _readEnd - _readStart;
            Buffer.BlockCopy(_readBuffer, _readStart, _readBuffer, 0, pending);
            _readStart = 0;
            _readEnd = pending;
        }
        while (_readEnd < count)
        {
            var read = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd), cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new EndOfStreamException($"the server closed the connection ({_readEnd} of {count} header byte(s) read)");
            _readEnd += read;
        }
    }

    private async ValueTask ReadExactAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(_readEnd - _readStart, destination.Length);
        if (buffered > 0)
        {
            _readBuffer.AsMemory(_readStart, buffered).CopyTo(destination);
            _readStart += buffered;
            destination = destination[buffered..];
        }
        if (destination.Length == 0) return;

        if (destination.Length >= _readBuffer.Length / 2)
        {
            // Large remainder: read straight into the destination.
            var total = destination.Length;
            while (destination.Length > 0)
            {
                var read = await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
                if (read == 0) throw new EndOfStreamException($"the server closed the connection in the middle of a packet ({total - destination.Length} of {total} byte(s) read)");
                destination = destination[read..];
            }
            return;
        }

        await FillAsync(destination.Length, cancellationToken).ConfigureAwait(false);
        _readBuffer.AsMemory(_readStart, destination.Length).CopyTo(destination);
        _readStart += destination.Length;
    }

    public async ValueTask DisposeAsync()
    {
        var buffer = Interlocked.Exchange(ref _readBuffer, []);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        if (_ownsStream) await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
