using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>INCIDENT_EVENT (26): something happened on the source that a replica cannot reproduce (e.g. lost events).</summary>
public sealed record IncidentEvent(EventHeader Header, ushort IncidentType, string Message) : BinlogEvent(Header)
{
    internal static IncidentEvent Read(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        var type = reader.ReadUInt16();
        var message = reader.IsAtEnd ? "" : reader.ReadString(reader.ReadByte());
        return new IncidentEvent(header, type, message);
    }
}
