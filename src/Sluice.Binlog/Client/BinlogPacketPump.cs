using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Client;

/// <summary>One packet of the binlog stream read ahead by <see cref="BinlogPacketPump"/>.</summary>
/// <param name="Crc">For an event packet (0x00 then at least a header and a trailer): the CRC32 of the event bytes
/// without their last 4 (what a CRC32 trailer must hold); whether the event has a trailer is the decoder's call.</param>
internal readonly record struct PumpedPacket(PooledPayload Payload, bool HasCrc, uint Crc);

/// <summary>
/// Reads the binlog stream of one connection ahead of the decoder, on a task of its own: packets are framed and
/// their CRC32 computed there, then handed over in batches through a bounded channel, so the network reads and
/// checksums of the next packets overlap with the decoding of the current ones (and cost one channel operation per
/// batch, not per packet).
/// <para>
/// Memory stays bounded: at most <see cref="QueueCapacity"/> batches of about <see cref="BatchBytes"/> are queued,
/// and after a packet of <see cref="LargePacketBytes"/> or more the pump reads nothing further until the consumer has
/// released that packet, so at most one large event is held at a time, as without read-ahead.
/// </para>
/// <para>
/// The pump stops after the end-of-stream or error packet (or any packet that is not an event), or at the first read
/// failure, which the consumer gets (rethrown) after the packets before it. The idle timeout only runs while the pump
/// waits for the network, never while it waits for the consumer.
/// </para>
/// </summary>
internal sealed class BinlogPacketPump : IAsyncDisposable
{
    internal const int QueueCapacity = 4;
    internal const int BatchBytes = 1 << 20;
    internal const int BatchPackets = 512;
    internal const int LargePacketBytes = 1 << 20;

    /// <summary>0x00, a 19-byte event header, a 4-byte CRC32 trailer.</summary>
    private const int MinChecksummedPacket = 1 + 19 + 4;

    private readonly BinlogConnection _connection;
    private readonly TimeSpan _idleTimeout;
    private readonly Func<Exception> _idleError;
    private readonly Channel<Batch> _channel = Channel.CreateBounded<Batch>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentQueue<Batch> _free = new();
    private readonly SemaphoreSlim _largeReleased = new(0);
    private readonly CancellationTokenSource _stop;
    private readonly Task _task;
    private Batch? _current;
    private int _index;
    private int _disposed;

    /// <param name="idleTimeout">How long a read may wait for data (infinite: no limit).</param>
    /// <param name="idleError">The (transient) failure to report when a read waited longer than that.</param>
    public BinlogPacketPump(BinlogConnection connection, TimeSpan idleTimeout, Func<Exception> idleError, CancellationToken cancellationToken)
    {
        _connection = connection;
        _idleTimeout = idleTimeout;
        _idleError = idleError;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stop = _stop.Token;
        _task = Task.Run(() => PumpAsync(stop), CancellationToken.None);
    }

    /// <summary>The next packet when one is ready (false: none yet). Rethrows the pump's read failure.</summary>
    public bool TryRead(out PumpedPacket packet) => TryTake(out packet);

    /// <summary>The next packet; pass it to <see cref="Release"/> when done. Rethrows the pump's read failure.</summary>
    public ValueTask<PumpedPacket> ReadAsync(CancellationToken cancellationToken) =>
        TryTake(out var packet) ? new ValueTask<PumpedPacket>(packet) : ReadSlowAsync(cancellationToken);

    /// <summary>Returns the packet's buffer; lets the pump read on after a large packet.</summary>
    public void Release(in PumpedPacket packet)
    {
        var length = packet.Payload.Length;
        packet.Payload.Dispose();
        if (length >= LargePacketBytes) _largeReleased.Release();
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
            if (_current is { } batch)
            {
                if (_index < batch.Count)
                {
                    packet = batch.Packets[_index];
                    batch.Packets[_index++] = default;
                    return true;
                }
                batch.Fault?.Throw();
                batch.Reset();
                _free.Enqueue(batch);
                _current = null;
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

    private async Task PumpAsync(CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var timed = _idleTimeout != Timeout.InfiniteTimeSpan;
        var batch = NewBatch();
        Exception? failure = null;
        try
        {
            while (true)
            {
                // Only the first packet of a batch may wait for the network: the batch is handed over as soon as the
                // next packet is not already buffered. The idle timer covers that wait.
                if (timed && batch.Count == 0) idle.CancelAfter(_idleTimeout);
                var payload = await _connection.ReadBinlogPacketAsync(idle.Token).ConfigureAwait(false);
                var span = payload.Span;
                var isEvent = span.Length > 0 && span[0] == 0x00;
                var hasCrc = isEvent && span.Length >= MinChecksummedPacket;
                batch.Add(new PumpedPacket(payload, hasCrc, hasCrc ? Crc32.HashToUInt32(span[1..^4]) : 0));

                var large = payload.Length >= LargePacketBytes;
                if (!isEvent || large || batch.Count == BatchPackets || batch.Bytes >= BatchBytes || !_connection.HasBufferedPacket)
                {
                    if (timed) idle.CancelAfter(Timeout.InfiniteTimeSpan);
                    await _channel.Writer.WriteAsync(batch, stop).ConfigureAwait(false);
                    batch = NewBatch();
                    if (!isEvent) return; // EOF, ERR or garbage: the consumer ends or throws there
                    if (large) await _largeReleased.WaitAsync(stop).ConfigureAwait(false);
                }
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
                batch.Fault = ExceptionDispatchInfo.Capture(failure);
                if (!_channel.Writer.TryWrite(batch))
                {
                    try
                    {
                        await _channel.Writer.WriteAsync(batch, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        batch.DisposePackets(0);
                    }
                }
            }
            else
            {
                batch.DisposePackets(0);
            }
            _channel.Writer.TryComplete();
        }
    }

    private Batch NewBatch() => _free.TryDequeue(out var b) ? b : new Batch();

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
        _current?.DisposePackets(_index);
        _current = null;
        while (_channel.Reader.TryRead(out var batch)) batch.DisposePackets(0);
        _stop.Dispose();
    }

    private sealed class Batch
    {
        public PumpedPacket[] Packets = new PumpedPacket[16];
        public int Count;
        public long Bytes;
        public ExceptionDispatchInfo? Fault;

        public void Add(in PumpedPacket packet)
        {
            if (Count == Packets.Length) Array.Resize(ref Packets, Packets.Length * 2);
            Packets[Count++] = packet;
            Bytes += packet.Payload.Length;
        }

        public void Reset()
        {
            Count = 0;
            Bytes = 0;
            Fault = null;
        }

        public void DisposePackets(int from)
        {
            for (var i = from; i < Count; i++)
            {
                Packets[i].Payload.Dispose();
                Packets[i] = default;
            }
            Reset();
        }
    }
}
