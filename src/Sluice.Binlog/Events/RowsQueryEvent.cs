using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>ROWS_QUERY_LOG_EVENT (29): the statement that produced the following rows events (binlog_rows_query_log_events).</summary>
public sealed record RowsQueryEvent(EventHeader Header, string Sql) : BinlogEvent(Header)
{
    internal static RowsQueryEvent Read(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        reader.ReadByte(); // a length byte, truncated to 255: the text runs to the end of the event
        return new RowsQueryEvent(header, System.Text.Encoding.UTF8.GetString(reader.ReadRemaining()));
    }
}
