namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>One source UUID of a MySQL GTID set and its transaction intervals (start inclusive, end exclusive).</summary>
public sealed record GtidSidIntervals(byte[] Sid, IReadOnlyList<(long Start, long EndExclusive)> Intervals);

/// <summary>COM_BINLOG_DUMP_GTID (MySQL): stream the binlog from the transactions missing from a GTID set.</summary>
/// <param name="EncodedGtidSet">The SID-block encoding of the GTID set (see <see cref="EncodeGtidSet"/>).</param>
public sealed record ComBinlogDumpGtid(uint ServerId, BinlogDumpFlags Flags, string FileName, ulong Position, byte[] EncodedGtidSet)
{
    public byte[] ToPayload()
    {
        var fileBytes = System.Text.Encoding.UTF8.GetBytes(FileName);
        var w = new PayloadWriter(30 + fileBytes.Length + EncodedGtidSet.Length)
            .WriteByte((byte)CommandCode.BinlogDumpGtid)
            .WriteUInt16((ushort)(Flags | BinlogDumpFlags.ThroughGtid))
            .WriteUInt32(ServerId)
            .WriteUInt32((uint)fileBytes.Length)
            .WriteBytes(fileBytes)
            .WriteUInt64(Position);
        w.WriteUInt32((uint)EncodedGtidSet.Length).WriteBytes(EncodedGtidSet);
        return w.ToArray();
    }

    /// <summary>
    /// The binary GTID set: n_sids (8 bytes), then per SID its 16 bytes, n_intervals (8) and each interval as
    /// start (8, inclusive) and end (8, exclusive).
    /// </summary>
    public static byte[] EncodeGtidSet(IEnumerable<GtidSidIntervals> sids)
    {
        var list = sids.ToList();
        var w = new PayloadWriter(8 + list.Sum(s => 24 + 16 * s.Intervals.Count));
        w.WriteUInt64((ulong)list.Count);
        foreach (var sid in list)
        {
            if (sid.Sid.Length != 16) throw new ArgumentException($"a GTID source id has 16 bytes, not {sid.Sid.Length}");
            w.WriteBytes(sid.Sid).WriteUInt64((ulong)sid.Intervals.Count);
            foreach (var (start, end) in sid.Intervals)
            {
                if (start < 1 || end <= start) throw new ArgumentException($"invalid GTID interval [{start}, {end})");
                w.WriteUInt64((ulong)start).WriteUInt64((ulong)end);
            }
        }
        return w.ToArray();
    }
}
