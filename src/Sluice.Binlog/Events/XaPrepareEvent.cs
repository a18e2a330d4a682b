using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>XA_PREPARE_LOG_EVENT (38): XA PREPARE (or XA COMMIT ... ONE PHASE) of an XA transaction.</summary>
public sealed record XaPrepareEvent(EventHeader Header, bool OnePhase, int FormatId, byte[] Gtrid, byte[] Bqual) : BinlogEvent(Header)
{
    public string GtridText => System.Text.Encoding.UTF8.GetString(Gtrid);
    public string BqualText => System.Text.Encoding.UTF8.GetString(Bqual);

    internal static XaPrepareEvent Read(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        var reader = new SpanReader(body);
        var onePhase = reader.ReadByte() != 0;
        var formatId = reader.ReadInt32();
        var gtridLength = reader.ReadInt32();
        var bqualLength = reader.ReadInt32();
        if (gtridLength is < 0 or > 64 || bqualLength is < 0 or > 64)
            throw ctx.Error($"XID lengths {gtridLength}/{bqualLength} exceed 64");
        return new XaPrepareEvent(header, onePhase, formatId, reader.ReadBytes(gtridLength).ToArray(), reader.ReadBytes(bqualLength).ToArray());
    }
}
