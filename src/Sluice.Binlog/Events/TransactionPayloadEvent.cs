using System.Buffers;
using Sluice.Binlog.Protocol;
using ZstdSharp;

namespace Sluice.Binlog.Events;

/// <summary>
/// TRANSACTION_PAYLOAD_EVENT (40, MySQL 8.0.20+ binlog_transaction_compression): a whole transaction's events,
/// compressed. The body is a list of (type, length, value) fields — 1 payload size, 2 compression type
/// (0 zstd, 255 none), 3 uncompressed size, 0 end — followed by the payload. <see cref="Events"/> are the inner
/// events, decoded in order by the same decoder (so their TABLE_MAPs serve their rows events); they carry no
/// checksum and their log_pos is 0.
/// </summary>
public sealed record TransactionPayloadEvent(
    EventHeader Header,
    TransactionCompression Compression,
    ulong PayloadSize,
    ulong UncompressedSize,
    IReadOnlyList<BinlogEvent> Events) : BinlogEvent(Header)
{
    private const ulong FieldEnd = 0, FieldPayloadSize = 1, FieldCompressionType = 2, FieldUncompressedSize = 3;

    /// <summary>Refuse payloads that claim more than this (the inner events are all materialized).</summary>
    internal const ulong MaxUncompressedSize = 1UL << 30;

    /// <summary>A zstd frame without a content size and no uncompressed-size field: stream it into a growing pooled buffer.</summary>
    private static byte[] DecompressUnknownSize(ReadOnlySpan<byte> payload, in EventContext ctx, out int written)
    {
        var input = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        var output = ArrayPool<byte>.Shared.Rent(Math.Max(4096, payload.Length * 4));
        written = 0;
        try
        {
            payload.CopyTo(input);
            using var stream = new DecompressionStream(new MemoryStream(input, 0, payload.Length, writable: false));
            while (true)
            {
                if (written == output.Length)
                {
                    if ((ulong)output.Length * 2 > MaxUncompressedSize) throw ctx.Error($"payload decompresses to more than {MaxUncompressedSize} bytes");
                    var bigger = ArrayPool<byte>.Shared.Rent(output.Length * 2);
                    output.AsSpan(0, written).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(output);
                    output = bigger;
                }
                var n = stream.Read(output, written, output.Length - written);
                if (n == 0) return output;
                written += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(output);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    internal static TransactionPayloadEvent Read(EventHeader header, ReadOnlySpan<byte> body, EventDecoder decoder, in EventContext ctx)
    {
        var r = new SpanReader(body);
        ulong? payloadSize = null, uncompressedSize = null;
        var compression = TransactionCompression.Zstd;
        while (true)
        {
            var type = r.ReadLengthEncodedInteger();
            if (type == FieldEnd) break;
            var length = checked((int)r.ReadLengthEncodedInteger());
            var value = new SpanReader(r.ReadBytes(length));
            switch (type)
            {
                case FieldPayloadSize: payloadSize = value.ReadLengthEncodedInteger(); break;
                case FieldCompressionType: compression = (TransactionCompression)value.ReadLengthEncodedInteger(); break;
                case FieldUncompressedSize: uncompressedSize = value.ReadLengthEncodedInteger(); break;
                default: break; // unknown field: skipped (its length is known)
            }
        }
        var payload = r.RemainingSpan;
        if (payloadSize is { } ps && ps != (ulong)payload.Length)
            throw ctx.Error($"payload size field says {ps} bytes but {payload.Length} follow");

        byte[]? pooled = null;
        try
        {
            ReadOnlySpan<byte> events;
            switch (compression)
            {
                case TransactionCompression.None:
                    events = payload;
                    break;
                case TransactionCompression.Zstd:
                {
                    var size = uncompressedSize ?? Decompressor.GetDecompressedSize(payload);
                    if (size > MaxUncompressedSize) throw ctx.Error($"uncompressed size {size} exceeds the {MaxUncompressedSize}-byte limit");
                    int written;
                    try
                    {
                        if (size > 0)
                        {
                            pooled = ArrayPool<byte>.Shared.Rent((int)size);
                            using var zstd = new Decompressor();
                            written = zstd.Unwrap(payload, pooled.AsSpan(0, (int)size));
                        }
                        else
                        {
                            pooled = DecompressUnknownSize(payload, ctx, out written);
                        }
                    }
                    catch (ZstdException e)
                    {
                        throw ctx.Error("corrupt zstd payload: " + e.Message, e);
                    }
                    if (uncompressedSize is { } us && (ulong)written != us)
                        throw ctx.Error($"zstd payload decompressed to {written} bytes, the event announced {us}");
                    events = pooled.AsSpan(0, written);
                    break;
                }
                default:
                    throw ctx.Error($"unknown compression type {(int)compression}");
            }

            var inner = new List<BinlogEvent>();
            var offset = 0;
            while (offset < events.Length)
            {
                if (events.Length - offset < EventHeader.Size)
                    throw ctx.Error($"truncated inner event header at payload offset {offset}");
                var innerHeader = EventDecoder.ReadHeader(events[offset..]);
                if (innerHeader.EventSize < EventHeader.Size || innerHeader.EventSize > events.Length - offset)
                    throw ctx.Error($"inner event at payload offset {offset} has size {innerHeader.EventSize} ({events.Length - offset} bytes left)");
                var innerCtx = new EventContext(innerHeader, offset,
                    $"(inner event #{inner.Count + 1} of the TRANSACTION_PAYLOAD {ctx.Describe()})");
                inner.Add(decoder.DecodeBody(innerHeader, events.Slice(offset + EventHeader.Size, (int)innerHeader.EventSize - EventHeader.Size), innerCtx));
                offset += (int)innerHeader.EventSize;
            }
            return new TransactionPayloadEvent(header, compression, payloadSize ?? (ulong)payload.Length,
                uncompressedSize ?? (ulong)events.Length, inner);
        }
        finally
        {
            if (pooled is not null) ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}

public enum TransactionCompression
{
    Zstd = 0,
    None = 255,
}
