using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>RAND_EVENT (13): the RAND() seeds of the following statement-based event.</summary>
public sealed record RandEvent(EventHeader Header, ulong Seed1, ulong Seed2) : BinlogEvent(Header)
{
    internal static RandEvent Read(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        return new RandEvent(header, reader.ReadUInt64(), reader.ReadUInt64());
    }
}
