namespace Sluice.Binlog.Events;

/// <summary>MariaDB ANNOTATE_ROWS_EVENT (160): the statement behind the following rows events (binlog_annotate_row_events).</summary>
public sealed record MariaDbAnnotateRowsEvent(EventHeader Header, string Sql) : BinlogEvent(Header)
{
    internal static MariaDbAnnotateRowsEvent Read(EventHeader header, ReadOnlySpan<byte> body) =>
        new(header, System.Text.Encoding.UTF8.GetString(body));
}
