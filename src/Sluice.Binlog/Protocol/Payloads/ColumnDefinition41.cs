namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>
/// A text result set's column definition: names, then the fixed part (character set of the values as sent, display
/// length, field type, flags, decimals).
/// </summary>
public sealed record ColumnDefinition41(string Schema, string Table, string Name, ushort CharacterSet = 0, uint Length = 0,
    byte Type = 0, ushort Flags = 0, byte Decimals = 0)
{
    /// <summary>The character set number of binary values (BLOB, BINARY, and numbers and dates as sent).</summary>
    public const ushort Binary = 63;

    public static ColumnDefinition41 Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        reader.ReadLengthEncodedBytes(); // catalog ("def")
        var schema = reader.ReadLengthEncodedString();
        var table = reader.ReadLengthEncodedString();
        reader.ReadLengthEncodedBytes(); // original table
        var name = reader.ReadLengthEncodedString();
        if (reader.IsAtEnd) return new ColumnDefinition41(schema, table, name);
        reader.ReadLengthEncodedBytes(); // original name
        var fixedLength = checked((int)reader.ReadLengthEncodedInteger()); // 0x0c
        if (fixedLength < 10 || reader.Remaining < 10)
        {
            throw new BinlogFormatException($"column definition of {name}: fixed part of {fixedLength} byte(s), expected 12");
        }
        var characterSet = reader.ReadUInt16();
        var length = reader.ReadUInt32();
        var type = reader.ReadByte();
        var flags = reader.ReadUInt16();
        var decimals = reader.ReadByte();
        return new ColumnDefinition41(schema, table, name, characterSet, length, type, flags, decimals);
    }
}
