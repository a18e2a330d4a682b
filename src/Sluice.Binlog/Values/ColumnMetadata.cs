using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Values;

/// <summary>
/// TABLE_MAP per-column metadata: how many bytes each type has, and how they are packed into
/// <see cref="ColumnInfo.Metadata"/> (the contract <see cref="CellDecoder"/> relies on).
/// <list type="table">
/// <listheader><term>type</term><description>TABLE_MAP bytes → <see cref="ColumnInfo.Metadata"/></description></listheader>
/// <item><term>FLOAT, DOUBLE</term><description>1 byte: storage size (4 / 8).</description></item>
/// <item><term>BLOB family, GEOMETRY, JSON, VECTOR</term><description>1 byte: size of the length prefix (1..4).</description></item>
/// <item><term>TIMESTAMP2, DATETIME2, TIME2</term><description>1 byte: fractional seconds precision 0..6.</description></item>
/// <item><term>VARCHAR, VAR_STRING</term><description>2 bytes little-endian: max length in bytes (≥ 256 → 2-byte length prefix).</description></item>
/// <item><term>BIT</term><description>2 bytes [bits % 8, whole bytes] read little-endian: <c>bytes &lt;&lt; 8 | bits % 8</c> (BIT(28) = 0x0304).</description></item>
/// <item><term>NEWDECIMAL</term><description>2 bytes [precision, scale]: <c>precision &lt;&lt; 8 | scale</c> (DECIMAL(10,2) = 0x0A02).</description></item>
/// <item><term>STRING (and ENUM/SET, which TABLE_MAP sends as STRING)</term><description>2 bytes [byte0, byte1]:
/// raw <c>byte0 &lt;&lt; 8 | byte1</c>; <see cref="ResolveStringType(ColumnType, ushort)"/> turns it into ENUM/SET with
/// metadata = pack length, or STRING with metadata = max length in bytes.</description></item>
/// <item><term>everything else</term><description>no bytes: 0.</description></item>
/// </list>
/// </summary>
public static class ColumnMetadata
{
    /// <summary>How many TABLE_MAP metadata bytes a column of this (wire) type has.</summary>
    public static int ByteCount(ColumnType type) => type switch
    {
        ColumnType.Float or ColumnType.Double or ColumnType.TinyBlob or ColumnType.Blob or ColumnType.MediumBlob
            or ColumnType.LongBlob or ColumnType.Geometry or ColumnType.Json or ColumnType.Vector
            or ColumnType.Timestamp2 or ColumnType.DateTime2 or ColumnType.Time2 => 1,
        ColumnType.VarChar or ColumnType.VarString or ColumnType.Bit or ColumnType.NewDecimal
            or ColumnType.String or ColumnType.Enum or ColumnType.Set => 2,
        ColumnType.TypedArray => throw new BinlogFormatException("TABLE_MAP column type TYPED_ARRAY (20) is not supported"),
        _ => 0,
    };

    /// <summary>Reads one column's raw TABLE_MAP metadata and packs it as described on this class (STRING left raw).</summary>
    public static ushort ReadRaw(ref SpanReader reader, ColumnType type)
    {
        switch (type)
        {
            case ColumnType.VarChar:
            case ColumnType.VarString:
            case ColumnType.Bit:
                return reader.ReadUInt16();
            case ColumnType.NewDecimal:
            case ColumnType.String:
            case ColumnType.Enum:
            case ColumnType.Set:
                return (ushort)reader.ReadUIntBE(2);
            default:
                return ByteCount(type) == 1 ? reader.ReadByte() : (ushort)0;
        }
    }

    /// <summary>Reads one column's TABLE_MAP metadata and resolves STRING into its real type (see <see cref="ResolveStringType(ColumnType, ushort)"/>).</summary>
    public static (ColumnType Type, ushort Metadata) Read(ref SpanReader reader, ColumnType wireType) =>
        ResolveStringType(wireType, ReadRaw(ref reader, wireType));

    /// <summary>
    /// Resolves a STRING column's raw metadata (<c>byte0 &lt;&lt; 8 | byte1</c>). byte0 is the real type (STRING 0xFE,
    /// ENUM 0xF7, SET 0xF8) with, for CHAR columns longer than 255 bytes, the two high bits of the length folded in
    /// inverted: when <c>(byte0 &amp; 0x30) != 0x30</c>, <c>length = byte1 | ((byte0 &amp; 0x30) ^ 0x30) &lt;&lt; 4</c> and
    /// <c>real type = byte0 | 0x30</c>. Returns (ENUM or SET, pack length) or (STRING, max length in bytes).
    /// Other types and already-resolved metadata (high byte 0..3) pass through unchanged.
    /// </summary>
    public static (ColumnType Type, ushort Metadata) ResolveStringType(ColumnType type, ushort metadata)
    {
        if (type is ColumnType.Enum or ColumnType.Set)
            return (type, metadata > 0xFF ? (ushort)(metadata & 0xFF) : metadata);
        if (type != ColumnType.String || !IsRawStringMetadata(metadata))
            return (type, metadata);

        var byte0 = metadata >> 8;
        var byte1 = metadata & 0xFF;
        int realType = byte0;
        var length = byte1;
        if ((byte0 & 0x30) != 0x30)
        {
            length |= ((byte0 & 0x30) ^ 0x30) << 4;
            realType = byte0 | 0x30;
        }
        return realType switch
        {
            (int)ColumnType.Enum => (ColumnType.Enum, (ushort)byte1),
            (int)ColumnType.Set => (ColumnType.Set, (ushort)byte1),
            (int)ColumnType.String => (ColumnType.String, (ushort)length),
            _ => throw new BinlogFormatException($"STRING column metadata 0x{metadata:x4} names an unexpected real type {realType}"),
        };
    }

    /// <summary>The same as <see cref="ResolveStringType(ColumnType, ushort)"/> on a whole column.</summary>
    public static ColumnInfo ResolveStringType(ColumnInfo column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var (type, metadata) = ResolveStringType(column.Type, column.Metadata);
        return type == column.Type && metadata == column.Metadata ? column : column with { Type = type, Metadata = metadata };
    }

    /// <summary>A resolved STRING max length is at most 1020 bytes (high byte 0..3); raw metadata has a type byte ≥ 0xC7.</summary>
    internal static bool IsRawStringMetadata(ushort metadata) => metadata >> 8 >= 0x10;
}
