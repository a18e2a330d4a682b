using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// HEARTBEAT_LOG_EVENT (27) and HEARTBEAT_LOG_EVENT_V2 (41, MySQL 8.0.26+): sent by the server when idle; tells the
/// replica the current file and position. v1 carries the position in the header's log_pos (32 bits only).
/// </summary>
public sealed record HeartbeatEvent(EventHeader Header, int Version, string LogFileName, ulong Position) : BinlogEvent(Header)
{
    private const byte FieldEnd = 0, FieldLogFileName = 1, FieldLogPosition = 2;

    internal static HeartbeatEvent Read(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        if (header.EventType == BinlogEventType.Heartbeat)
            return new HeartbeatEvent(header, 1, System.Text.Encoding.UTF8.GetString(body), header.NextPosition);

        var reader = new SpanReader(body);
        string? name = null;
        ulong? position = null;
        while (!reader.IsAtEnd)
        {
            var type = reader.ReadByte();
            if (type == FieldEnd) break;
            var length = checked((int)reader.ReadLengthEncodedInteger());
            var value = reader.ReadBytes(length);
            switch (type)
            {
                case FieldLogFileName:
                    name = System.Text.Encoding.UTF8.GetString(value);
                    break;
                case FieldLogPosition:
                    var inner = new SpanReader(value);
                    try
                    {
                        position = inner.ReadLengthEncodedInteger();
                    }
                    catch (BinlogFormatException e)
                    {
                        throw ctx.Error($"log position field length {length} with value 0x{Convert.ToHexString(value).ToLowerInvariant()} is not a valid length-encoded integer", e);
                    }
                    if (!inner.IsAtEnd)
                        throw ctx.Error($"log position field length {length} with value 0x{position:x} is not a valid length-encoded integer");
                    break;
                default:
                    throw ctx.Error($"heartbeat field type 0x{type:x2} is not valid");
            }
        }
        return new HeartbeatEvent(header, 2, name ?? throw ctx.Error("heartbeat without a log file name"),
            position ?? throw ctx.Error("heartbeat without a log position"));
    }
}
