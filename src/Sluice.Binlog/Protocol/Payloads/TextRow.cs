namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>A text-protocol result row: one length-encoded string (0xFB for NULL) per column.</summary>
public static class TextRow
{
    public static string?[] Parse(ReadOnlySpan<byte> payload, int columnCount)
    {
        var reader = new SpanReader(payload);
        var values = new string?[columnCount];
        for (var i = 0; i < columnCount; i++)
        {
            if (reader.PeekByte() == 0xFB)
            {
                reader.Skip(1);
                continue;
            }
            values[i] = reader.ReadLengthEncodedString();
        }
        if (!reader.IsAtEnd) throw new BinlogFormatException($"text row has {reader.Remaining} byte(s) after its {columnCount} column(s)");
        return values;
    }
}
