using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Events;

/// <summary>Item_result of a user variable.</summary>
public enum UserVarType : byte
{
    String = 0,
    Real = 1,
    Int = 2,
    Row = 3,
    Decimal = 4,
}

/// <summary>
/// USER_VAR_EVENT (14): the value of a user variable used by the following statement-based event.
/// <see cref="Value"/> is a string (binary collation 63: byte[]), a double, a long (ulong when
/// <see cref="IsUnsigned"/>), the decimal as decoded by <see cref="CellDecoder"/>, or null.
/// </summary>
public sealed record UserVarEvent(
    EventHeader Header,
    string Name,
    bool IsNull,
    UserVarType? Type,
    int? CollationId,
    object? Value,
    byte Flags) : BinlogEvent(Header)
{
    public bool IsUnsigned => (Flags & 0x01) != 0;

    internal static UserVarEvent Read(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        var reader = new SpanReader(body);
        var nameLength = reader.ReadUInt32();
        var name = reader.ReadString(checked((int)nameLength));
        var isNull = reader.ReadByte() != 0;
        if (isNull) return new UserVarEvent(header, name, true, null, null, null, 0);

        var type = (UserVarType)reader.ReadByte();
        var collation = reader.ReadInt32();
        var length = reader.ReadUInt32();
        var value = reader.ReadBytes(checked((int)length));
        var flags = reader.IsAtEnd ? (byte)0 : reader.ReadByte();
        object? decoded;
        switch (type)
        {
            case UserVarType.String:
                decoded = collation == CharsetText.Binary ? value.ToArray() : CharsetText.Decode(value, collation);
                break;
            case UserVarType.Real:
                decoded = new SpanReader(value).ReadDouble();
                break;
            case UserVarType.Int:
                var raw = new SpanReader(value).ReadUInt64();
                decoded = (flags & 0x01) != 0 ? raw : (object)unchecked((long)raw);
                break;
            case UserVarType.Decimal:
            {
                var r = new SpanReader(value);
                var precision = r.ReadByte();
                var scale = r.ReadByte();
                // NEWDECIMAL metadata packing: (precision << 8) | scale.
                decoded = CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.NewDecimal, (ushort)((precision << 8) | scale)));
                break;
            }
            case UserVarType.Row:
                decoded = value.ToArray();
                break;
            default:
                throw ctx.Error($"unknown user variable type {(byte)type}");
        }
        return new UserVarEvent(header, name, false, type, collation, decoded, flags);
    }
}
