namespace Sluice.Binlog.Events;

/// <summary>binlog_checksum as announced by the FORMAT_DESCRIPTION_EVENT.</summary>
public enum BinlogChecksumAlgorithm : byte
{
    None = 0,
    Crc32 = 1,

    /// <summary>BINLOG_CHECKSUM_ALG_UNDEF: the server did not say (treated as no checksum).</summary>
    Undefined = 255,
}
