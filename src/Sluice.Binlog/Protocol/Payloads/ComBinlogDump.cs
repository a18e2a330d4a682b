namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>Flags of COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID.</summary>
[Flags]
public enum BinlogDumpFlags : ushort
{
    None = 0,

    /// <summary>BINLOG_DUMP_NON_BLOCK: at the end of the binlog the server sends EOF instead of waiting.</summary>
    NonBlock = 0x01,

    /// <summary>BINLOG_THROUGH_POSITION (COM_BINLOG_DUMP_GTID): file and position are given.</summary>
    ThroughPosition = 0x02,

    /// <summary>BINLOG_THROUGH_GTID (COM_BINLOG_DUMP_GTID): a GTID set follows.</summary>
    ThroughGtid = 0x04,
}

/// <summary>COM_BINLOG_DUMP: stream the binlog from a file and position (an empty file name with MariaDB GTID start).</summary>
public sealed record ComBinlogDump(string FileName, uint Position, uint ServerId, BinlogDumpFlags Flags)
{
    public byte[] ToPayload() =>
        new PayloadWriter(11 + FileName.Length)
            .WriteByte((byte)CommandCode.BinlogDump)
            .WriteUInt32(Position)
            .WriteUInt16((ushort)Flags)
            .WriteUInt32(ServerId)
            .WriteString(FileName)
            .ToArray();
}
