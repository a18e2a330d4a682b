using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>ROTATE_EVENT (4): the next events are in <see cref="NextFileName"/> from <see cref="Position"/>.</summary>
public sealed record RotateEvent(EventHeader Header, ulong Position, string NextFileName) : BinlogEvent(Header)
{
    internal static RotateEvent Read(EventHeader header, ReadOnlySpan<byte> body, int postHeaderLength)
    {
        var reader = new SpanReader(body);
        var position = postHeaderLength >= 8 ? reader.ReadUInt64() : 4UL;
        if (postHeaderLength > 8) reader.Skip(postHeaderLength - 8);
        return new RotateEvent(header, position, System.Text.Encoding.UTF8.GetString(reader.ReadRemaining()));
    }
}
