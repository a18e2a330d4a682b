using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Tests.Protocol;

/// <summary>Packet framing and reassembly over in-memory streams.</summary>
public sealed class PacketTransportTests
{
    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)(i * 31 + (i >> 16));
        return bytes;
    }

    private static MemoryStream Frame(params (byte Sequence, byte[] Payload)[] packets)
    {
        var ms = new MemoryStream();
        foreach (var (seq, payload) in packets)
        {
            ms.Write([(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), seq]);
            ms.Write(payload);
        }
        ms.Position = 0;
        return ms;
    }

    [Fact]
    public async Task Reads_small_packets_in_sequence()
    {
        await using var t = new PacketTransport(Frame((0, [1, 2, 3]), (1, []), (2, [9])));
        using (var p = await t.ReadPayloadAsync()) Assert.Equal([1, 2, 3], p.Span.ToArray());
        using (var p = await t.ReadPayloadAsync()) Assert.Equal(0, p.Length);
        using (var p = await t.ReadPayloadAsync()) Assert.Equal([9], p.Span.ToArray());
        Assert.Equal(3, t.Sequence);
    }

    [Fact]
    public async Task Out_of_order_sequence_is_a_format_error()
    {
        await using var t = new PacketTransport(Frame((0, [1]), (5, [2])));
        using (await t.ReadPayloadAsync()) { }
        var ex = await Assert.ThrowsAsync<BinlogFormatException>(async () => { using var _ = await t.ReadPayloadAsync(); });
        Assert.Contains("sequence id 5, expected 1", ex.Message);
    }

    [Fact]
    public async Task Sequence_wraps_after_255()
    {
        var packets = Enumerable.Range(0, 300).Select(i => ((byte)i, new[] { (byte)i })).ToArray();
        await using var t = new PacketTransport(Frame(packets));
        for (var i = 0; i < 300; i++)
        {
            using var p = await t.ReadPayloadAsync();
            Assert.Equal((byte)i, p.Span[0]);
        }
    }

    [Theory]
    [InlineData(PacketTransport.MaxPacketPayload)]          // exactly one full packet + an empty one
    [InlineData(PacketTransport.MaxPacketPayload + 1)]
    [InlineData(2 * PacketTransport.MaxPacketPayload + 77)] // three packets, buffer grows
    [InlineData(3 * PacketTransport.MaxPacketPayload)]      // three full + empty
    public async Task Reassembles_payloads_of_16_MiB_and_more(int length)
    {
        var payload = Pattern(length);
        var ms = new MemoryStream();
        await using (var writer = new PacketTransport(ms, ownsStream: false))
        {
            await writer.WritePayloadAsync(payload);
        }
        var packetCount = length / PacketTransport.MaxPacketPayload + 1;
        Assert.Equal(length + 4L * packetCount, ms.Length);

        ms.Position = 0;
        await using var reader = new PacketTransport(ms);
        using var p = await reader.ReadPayloadAsync();
        Assert.Equal(length, p.Length);
        Assert.True(p.Span.SequenceEqual(payload));
        Assert.Equal((byte)packetCount, reader.Sequence);
    }

    [Fact]
    public async Task Reassembly_reads_through_a_stream_that_returns_few_bytes_at_a_time()
    {
        var payload = Pattern(PacketTransport.MaxPacketPayload + 1000);
        var ms = new MemoryStream();
        await using (var writer = new PacketTransport(ms, ownsStream: false)) await writer.WritePayloadAsync(payload);
        await using var reader = new PacketTransport(new TrickleStream(ms.ToArray(), 7777));
        using var p = await reader.ReadPayloadAsync();
        Assert.True(p.Span.SequenceEqual(payload));
    }

    [Fact]
    public async Task Payload_over_the_limit_is_refused()
    {
        var ms = new MemoryStream();
        await using (var writer = new PacketTransport(ms, ownsStream: false)) await writer.WritePayloadAsync(Pattern(PacketTransport.MaxPacketPayload + 10));
        ms.Position = 0;
        await using var reader = new PacketTransport(ms) { MaxPayloadLength = PacketTransport.MaxPacketPayload + 5 };
        var ex = await Assert.ThrowsAsync<BinlogFormatException>(async () => { using var _ = await reader.ReadPayloadAsync(); });
        Assert.Contains("limit", ex.Message);
    }

    [Fact]
    public async Task Truncated_packet_is_end_of_stream()
    {
        var ms = Frame((0, [1, 2, 3, 4, 5]));
        var cut = new MemoryStream(ms.ToArray()[..6]);
        await using var t = new PacketTransport(cut);
        await Assert.ThrowsAsync<EndOfStreamException>(async () => { using var _ = await t.ReadPayloadAsync(); });
    }

    [Fact]
    public async Task Writes_increment_the_sequence_and_reset_starts_a_command()
    {
        var ms = new MemoryStream();
        await using var t = new PacketTransport(ms, ownsStream: false);
        await t.WritePayloadAsync(new byte[] { 3, 1 });
        await t.WritePayloadAsync(new byte[] { 4 });
        t.ResetSequence();
        await t.WritePayloadAsync(new byte[] { 5 });
        Assert.Equal(new byte[] { 2, 0, 0, 0, 3, 1, 1, 0, 0, 1, 4, 1, 0, 0, 0, 5 }, ms.ToArray());
    }

    /// <summary>Returns at most a few bytes per read, as a slow network would.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
