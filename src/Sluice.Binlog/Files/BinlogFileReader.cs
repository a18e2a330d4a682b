using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Sluice.Binlog.Events;

namespace Sluice.Binlog.Files;

/// <summary>An event read from a binlog file, with the offset of its header in the file.</summary>
public readonly record struct BinlogFileEvent(long Offset, BinlogEvent Event);

/// <summary>
/// Reads a binlog file (the 4-byte magic <c>0xFE 'b' 'i' 'n'</c>, then events) and decodes its events with an
/// <see cref="EventDecoder"/>. Every CRC32 is verified when the file's FORMAT_DESCRIPTION_EVENT says CRC32.
/// The stream is read forward only; it is not disposed by the reader unless <c>leaveOpen</c> is false.
/// </summary>
public sealed class BinlogFileReader : IDisposable, IAsyncDisposable
{
    /// <summary>The binlog file magic.</summary>
    public static ReadOnlySpan<byte> Magic => [0xFE, (byte)'b', (byte)'i', (byte)'n'];

    /// <summary>Events larger than this are refused (MySQL's max_allowed_packet ceiling is 1 GiB).</summary>
    public const int MaxEventSize = 1 << 30;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public BinlogFileReader(Stream stream, EventDecoder? decoder = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Decoder = decoder ?? new EventDecoder();
    }

    public static BinlogFileReader Open(string path, EventDecoder? decoder = null) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan), decoder);

    /// <summary>The decoder (its FORMAT_DESCRIPTION and TABLE_MAP state).</summary>
    public EventDecoder Decoder { get; }

    /// <summary>Reads the events asynchronously until the end of the stream.</summary>
    public async IAsyncEnumerable<BinlogFileEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var head = new byte[EventHeader.Size];
        if (await ReadFullyAsync(head.AsMemory(0, 4), cancellationToken).ConfigureAwait(false) != 4 || !head.AsSpan(0, 4).SequenceEqual(Magic))
            throw NotABinlog();
        long offset = 4;
        while (true)
        {
            var got = await ReadFullyAsync(head, cancellationToken).ConfigureAwait(false);
            if (got == 0) yield break;
            var size = CheckHeader(head, got, offset);
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            BinlogEvent decoded;
            try
            {
                head.CopyTo(buffer, 0);
                var rest = await ReadFullyAsync(buffer.AsMemory(EventHeader.Size, size - EventHeader.Size), cancellationToken).ConfigureAwait(false);
                if (rest != size - EventHeader.Size) throw Truncated(offset, size, EventHeader.Size + rest);
                decoded = Decoder.Decode(buffer.AsSpan(0, size), offset);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            yield return new BinlogFileEvent(offset, decoded);
            offset += size;
        }
    }

    /// <summary>Reads the events synchronously until the end of the stream (for tests and tools).</summary>
    public IEnumerable<BinlogFileEvent> ReadEvents()
    {
        var head = new byte[EventHeader.Size];
        if (ReadFully(head.AsSpan(0, 4)) != 4 || !head.AsSpan(0, 4).SequenceEqual(Magic)) throw NotABinlog();
        long offset = 4;
        while (true)
        {
            var got = ReadFully(head);
            if (got == 0) yield break;
            var size = CheckHeader(head, got, offset);
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            BinlogEvent decoded;
            try
            {
                head.CopyTo(buffer, 0);
                var rest = ReadFully(buffer.AsSpan(EventHeader.Size, size - EventHeader.Size));
                if (rest != size - EventHeader.Size) throw Truncated(offset, size, EventHeader.Size + rest);
                decoded = Decoder.Decode(buffer.AsSpan(0, size), offset);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            yield return new BinlogFileEvent(offset, decoded);
            offset += size;
        }
    }

    private static int CheckHeader(byte[] head, int got, long offset)
    {
        if (got < EventHeader.Size)
            throw new BinlogFormatException($"truncated event header at offset {offset}: {got} of 19 bytes");
        var size = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(9, 4));
        if (size < EventHeader.Size || size > MaxEventSize)
            throw new BinlogFormatException($"event at offset {offset} (type {head[4]}) has an invalid size {size}");
        return (int)size;
    }

    private static BinlogFormatException NotABinlog() =>
        new("not a valid binary log: the file does not start with the magic bytes 0xFE 'bin'");

    private static BinlogFormatException Truncated(long offset, int size, int got) =>
        new($"truncated event at offset {offset}: {got} of {size} bytes before the end of the file");

    private async ValueTask<int> ReadFullyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[total..], ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private int ReadFully(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }

    public ValueTask DisposeAsync() => _leaveOpen ? ValueTask.CompletedTask : _stream.DisposeAsync();
}
