namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>COM_QUERY: a text-protocol statement.</summary>
public sealed record ComQuery(string Sql)
{
    public byte[] ToPayload() => new PayloadWriter(Sql.Length + 1).WriteByte((byte)CommandCode.Query).WriteString(Sql).ToArray();
}
