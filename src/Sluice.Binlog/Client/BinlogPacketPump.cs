using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Client;

/// <summary>One packet payload of the binlog stream read ahead by <see cref="BinlogPacketPump"/>.</summary>
/// <param name="Crc">For an event packet (0x00 then at least a header and a trailer): the CRC32 of the event bytes
/// without their last 4 (what a CRC32 trailer must hold); whether the event has a trailer is the decoder's call.</param>
internal readonly record struct PumpedPacket(byte[] Buffer, int Offset, int Length, bool HasCrc, uint Crc, bool IsLarge)
{
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(Offset, Length);
}

/// <summary>
/// Reads the binlog stream of one connection ahead of the decoder, on a task of its own. It takes the socket over from
/// the connection's <see cref="PacketTransport"/>: large reads go into pooled chunks of <see cref="ChunkSize"/> bytes,
/// the whole packets in each chunk are framed (sequence ids checked) and their CRC32 computed there, and the chunk is
/// handed to the consumer, which decodes the payloads in place. Network reads and checksums thus overlap with the
/// decoding, and cost no copy, no buffer and no asynchronous call per packet.
/// <para>
/// Memory stays bounded: at most <see cref="MaxChunks"/> chunks exist (read ahead, queued or being decoded); a
/// payload too large for a chunk is read (and reassembled when it spans 16 MiB packets) into a pooled array of its
/// own, after which the pump reads nothing further until the consumer has released it: one large event at a time.
/// </para>
/// <para>
/// The pump stops after the end-of-stream or error packet (or any packet that is not an event), or at the first read
/// failure, which the consumer gets (rethrown) after the packets before it. The idle timeout only runs while the pump
/// waits for the network, never while it waits for the consumer.
/// </para>
/// </summary>
internal sealed class BinlogPacketPump : IAsyncDisposable
{
    internal const int ChunkSize = 64 * 1024;
    internal const int MaxChunks = 8;

    /// <summary>0x00, a 19-byte event header, a 4-byte CRC32 trailer.</summary>
    private const int MinChecksummedPacket = 1 + 19 + 4;

    private readonly PacketTransport _transport;
    private readonly Stream _stream;
    private readonly TimeSpan _idleTimeout;
    private readonly Func<Exception> _idleError;
    private readonly Channel<Chunk> _channel = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentQueue<Chunk> _free = new();
    private readonly Lock _gate = new();
    private int _freeSlots = MaxChunks;
    private TaskCompletionSource? _slotWaiter;
    private readonly SemaphoreSlim _largeReleased = new(0);
    private readonly CancellationTokenSource _stop;
    private readonly Task _task;
    private Chunk? _current;
    private int _index;
    private int _disposed;

    /// <param name="idleTimeout">How long a read may wait for data (infinite: no limit).</param>
    /// <param name="idleError">The (transient) failure to report when a read waited longer than that.</param>
    public BinlogPacketPump(BinlogConnection connection, TimeSpan idleTimeout, Func<Exception> idleError, CancellationToken cancellationToken)
    {
        _transport = connection.Transport;
        _stream = _transport.Stream;
        _idleTimeout = idleTimeout;
        _idleError = idleError;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stop = _stop.Token;
        _task = Task.Run(() => PumpAsync(stop), CancellationToken.None);
    }

    /// <summary>The next packet when one is ready (false: none yet). Rethrows the pump's read failure.</summary>
    public bool TryRead(out PumpedPacket packet) => TryTake(out packet);

    /// <summary>
    /// The next packet; its bytes stay valid until the next read. Pass it to <see cref="Release"/> when done.
    /// Rethrows the pump's read failure.
    /// </summary>
    public ValueTask<PumpedPacket> ReadAsync(CancellationToken cancellationToken) =>
        TryTake(out var packet) ? new ValueTask<PumpedPacket>(packet) : ReadSlowAsync(cancellationToken);

    /// <summary>Done with a packet: returns a large packet's own buffer and lets the pump read on.</summary>
    public void Release(in PumpedPacket packet)
    {
        if (!packet.IsLarge) return; // its chunk is recycled once the consumer moves past it
        ArrayPool<byte>.Shared.Return(packet.Buffer);
        _largeReleased.Release();
    }

    private async ValueTask<PumpedPacket> ReadSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(out var packet)) return packet;
            if (!await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                throw new EndOfStreamException("the binlog packet reader stopped after the end of the stream");
        }
    }

    private bool TryTake(out PumpedPacket packet)
    {
        while (true)
        {
            if (_current is { } chunk)
            {
                if (_index < chunk.Count)
                {
                    packet = chunk.Packets[_index++];
                    return true;
                }
                chunk.Fault?.Throw();
                _current = null;
                Recycle(chunk);
            }
            if (!_channel.Reader.TryRead(out var next))
            {
                packet = default;
                return false;
            }
            _current = next;
            _index = 0;
        }
    }

    /// <summary>A chunk the consumer is done with goes back to the pump (a large packet's chunk has no buffer to keep).</summary>
    private void Recycle(Chunk chunk)
    {
        chunk.Reset();
        if (chunk.IsLarge) return;
        _free.Enqueue(chunk);
        // A waiting pump is woken once half the chunks are free again, not for each one: fewer hand-overs.
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _freeSlots++;
            if (_slotWaiter is not null && _freeSlots >= MaxChunks / 2)
            {
                wake = _slotWaiter;
                _slotWaiter = null;
            }
        }
        wake?.TrySetResult();
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var timed = _idleTimeout != Timeout.InfiniteTimeSpan;
        var checkSequence = _transport.CheckSequence;
        var sequence = _transport.Sequence;
        Chunk? current = null;
        Exception? failure = null;
        try
        {
            current = await AcquireChunkAsync(stop).ConfigureAwait(false);
            var filled = _transport.TakeBuffered(current.Buffer);
            while (true)
            {
                var framed = Frame(current, filled, ref sequence, checkSequence, out var terminal, out var pending);
                if (current.Count > 0)
                {
                    // Hand the whole packets over; the incomplete tail starts the next chunk.
                    var next = await AcquireChunkAsync(stop, idle, timed).ConfigureAwait(false);
                    current.Buffer.AsSpan(framed, filled - framed).CopyTo(next.Buffer);
                    filled -= framed;
                    _channel.Writer.TryWrite(current);
                    current = next;
                    if (terminal) return; // EOF, ERR or garbage: the consumer ends or throws there
                    continue;
                }
                if (pending >= PacketTransport.MaxPacketPayload || (pending >= 0 && 4 + pending > ChunkSize))
                {
                    var large = await ReadLargeAsync(current, filled, idle, timed, sequence, checkSequence, stop).ConfigureAwait(false);
                    (filled, sequence) = (large.Filled, large.Sequence);
                    if (large.Terminal) return;
                    continue;
                }
                if (timed) idle.CancelAfter(_idleTimeout);
                var read = await _stream.ReadAsync(current.Buffer.AsMemory(filled), idle.Token).ConfigureAwait(false);
                if (read == 0) throw new EndOfStreamException($"the server closed the connection ({filled} byte(s) of an incomplete packet read)");
                filled += read;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by DisposeAsync or the caller's token: nothing to report.
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested)
        {
            failure = _idleError();
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            if (failure is not null)
            {
                // The packets framed before the failure (if any) still go first.
                var fault = current ?? new Chunk(null);
                fault.Fault = ExceptionDispatchInfo.Capture(failure);
                _channel.Writer.TryWrite(fault);
            }
            else if (current is not null)
            {
                current.ReturnBuffer();
            }
            _channel.Writer.TryComplete();
        }
    }

    /// <summary>After a large payload: the bytes read beyond it, the next sequence id, whether it ended the stream.</summary>
    private readonly record struct LargeRead(int Filled, byte Sequence, bool Terminal);

    /// <summary>
    /// Waits for a free chunk slot (not counting as idle time; woken when half the chunks are free) and returns an
    /// empty chunk.
    /// </summary>
    private async ValueTask<Chunk> AcquireChunkAsync(CancellationToken stop, CancellationTokenSource? idle = null, bool timed = false)
    {
        while (true)
        {
            Task waiter;
            lock (_gate)
            {
                if (_freeSlots > 0)
                {
                    _freeSlots--;
                    break;
                }
                _slotWaiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiter = _slotWaiter.Task;
            }
            if (timed) idle!.CancelAfter(Timeout.InfiniteTimeSpan);
            await waiter.WaitAsync(stop).ConfigureAwait(false);
        }
        return _free.TryDequeue(out var chunk) ? chunk : new Chunk(ArrayPool<byte>.Shared.Rent(ChunkSize));
    }

    /// <summary>
    /// Records the whole packets at the start of <paramref name="chunk"/>'s first <paramref name="filled"/> bytes
    /// (checking sequence ids, computing CRC32s); stops after a packet that is not an event. Returns the offset of the
    /// first byte not framed; <paramref name="pending"/> is the payload length of the incomplete packet there, or -1
    /// when not even its header is in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Frame(Chunk chunk, int filled, ref byte sequence, bool checkSequence, out bool terminal, out int pending)
    {
        var buffer = chunk.Buffer;
        var pos = 0;
        terminal = false;
        while (true)
        {
            if (filled - pos < 4)
            {
                pending = -1;
                return pos;
            }
            var length = buffer[pos] | (buffer[pos + 1] << 8) | (buffer[pos + 2] << 16);
            if (length >= PacketTransport.MaxPacketPayload || filled - pos - 4 < length)
            {
                pending = length;
                return pos;
            }
            CheckSequence(buffer[pos + 3], ref sequence, checkSequence);
            var payload = buffer.AsSpan(pos + 4, length);
            var isEvent = length > 0 && payload[0] == 0x00;
            chunk.Add(Packet(buffer, pos + 4, length, isEvent, large: false));
            pos += 4 + length;
            if (!isEvent)
            {
                terminal = true;
                pending = -1;
                return pos;
            }
        }
    }

    private static PumpedPacket Packet(byte[] buffer, int offset, int length, bool isEvent, bool large)
    {
        var hasCrc = isEvent && length >= MinChecksummedPacket;
        var crc = hasCrc ? Crc32.HashToUInt32(buffer.AsSpan(offset + 1, length - 5)) : 0;
        return new PumpedPacket(buffer, offset, length, hasCrc, crc, large);
    }

    private static void CheckSequence(byte actual, ref byte expected, bool check)
    {
        if (check && actual != expected)
            throw new BinlogFormatException($"packet out of order: sequence id {actual}, expected {expected}");
        expected = (byte)(actual + 1);
    }

    /// <summary>
    /// Reads a payload that does not fit a chunk (continued over 16 MiB packets if need be) into a pooled array of its
    /// own, hands it over and waits until the consumer released it. <paramref name="scratch"/> holds the
    /// <paramref name="filled"/> bytes read so far (starting with the packet header); afterwards it holds the bytes
    /// read beyond the payload.
    /// </summary>
    private async ValueTask<LargeRead> ReadLargeAsync(Chunk scratch, int filled, CancellationTokenSource idle, bool timed, byte sequence,
        bool checkSequence, CancellationToken stop)
    {
        var buffer = scratch.Buffer;
        byte[]? payload = null;
        var total = 0;
        try
        {
            while (true)
            {
                while (filled < 4)
                {
                    if (timed) idle.CancelAfter(_idleTimeout);
                    var got = await _stream.ReadAsync(buffer.AsMemory(filled), idle.Token).ConfigureAwait(false);
                    if (got == 0) throw new EndOfStreamException($"the server closed the connection ({filled} of 4 header byte(s) read)");
                    filled += got;
                }
                var length = buffer[0] | (buffer[1] << 8) | (buffer[2] << 16);
                CheckSequence(buffer[3], ref sequence, checkSequence);
                if ((long)total + length > _transport.MaxPayloadLength)
                    throw new BinlogFormatException(
                        $"payload larger than the {_transport.MaxPayloadLength}-byte limit (more than {total + (long)length} bytes after {total} reassembled)");
                if (payload is null || total + length > payload.Length)
                {
                    var wanted = length < PacketTransport.MaxPacketPayload ? total + length : Math.Max(total + length, 2 * PacketTransport.MaxPacketPayload);
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(wanted, 2L * (payload?.Length ?? 0)), Array.MaxLength));
                    if (payload is not null)
                    {
                        payload.AsSpan(0, total).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(payload);
                    }
                    payload = bigger;
                }
                // What the chunk already holds, then straight from the network.
                var have = Math.Min(filled - 4, length);
                buffer.AsSpan(4, have).CopyTo(payload.AsSpan(total));
                buffer.AsSpan(4 + have, filled - 4 - have).CopyTo(buffer);
                filled -= 4 + have;
                var at = total + have;
                var end = total + length;
                while (at < end)
                {
                    if (timed) idle.CancelAfter(_idleTimeout);
                    var got = await _stream.ReadAsync(payload.AsMemory(at, end - at), idle.Token).ConfigureAwait(false);
                    if (got == 0) throw new EndOfStreamException($"the server closed the connection in the middle of a packet ({at - total} of {length} byte(s) read)");
                    at += got;
                }
                total = end;
                if (length < PacketTransport.MaxPacketPayload) break;
            }

            var isEvent = total > 0 && payload[0] == 0x00;
            var chunk = new Chunk(payload) { IsLarge = true };
            chunk.Add(Packet(payload, 0, total, isEvent, large: true));
            payload = null; // the consumer returns it (Release), or DisposeAsync does
            if (timed) idle.CancelAfter(Timeout.InfiniteTimeSpan);
            _channel.Writer.TryWrite(chunk);
            if (isEvent) await _largeReleased.WaitAsync(stop).ConfigureAwait(false);
            return new LargeRead(filled, sequence, !isEvent);
        }
        finally
        {
            if (payload is not null) ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>Stops the pump and returns every buffer still held. The connection is left to its owner.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The pump reports its failures through the channel; nothing else to do here.
        }
        if (_current is { } current)
        {
            // A large packet taken but not released yet is returned by its Release; chunks are ours.
            if (!current.IsLarge || _index == 0) current.ReturnBuffer();
            _current = null;
        }
        while (_channel.Reader.TryRead(out var chunk)) chunk.ReturnBuffer();
        while (_free.TryDequeue(out var chunk)) chunk.ReturnBuffer();
        _stop.Dispose();
    }

    private sealed class Chunk(byte[]? buffer)
    {
        public readonly byte[] Buffer = buffer ?? [];
        public PumpedPacket[] Packets = new PumpedPacket[64];
        public int Count;
        public bool IsLarge;
        public ExceptionDispatchInfo? Fault;

        public void Add(in PumpedPacket packet)
        {
            if (Count == Packets.Length) Array.Resize(ref Packets, Packets.Length * 2);
            Packets[Count++] = packet;
        }

        public void Reset()
        {
            Array.Clear(Packets, 0, Count);
            Count = 0;
            Fault = null;
        }

        public void ReturnBuffer()
        {
            Reset();
            if (Buffer.Length > 0) ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
