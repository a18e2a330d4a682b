using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>MariaDB BINLOG_CHECKPOINT_EVENT (161): the oldest binlog file still needed for crash recovery.</summary>
public sealed record MariaDbBinlogCheckpointEvent(EventHeader Header, string LogFileName) : BinlogEvent(Header)
{
    internal static MariaDbBinlogCheckpointEvent Read(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        var length = reader.ReadUInt32();
        return new MariaDbBinlogCheckpointEvent(header, reader.ReadString(checked((int)length)));
    }
}
