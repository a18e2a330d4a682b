namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>A text result set's column definition (only the parts the query helper needs).</summary>
public sealed record ColumnDefinition41(string Schema, string Table, string Name)
{
    public static ColumnDefinition41 Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        reader.ReadLengthEncodedBytes(); // catalog ("def")
        var schema = reader.ReadLengthEncodedString();
        var table = reader.ReadLengthEncodedString();
        reader.ReadLengthEncodedBytes(); // original table
        var name = reader.ReadLengthEncodedString();
        return new ColumnDefinition41(schema, table, name);
    }
}
