using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

public enum IntVarType : byte
{
    Invalid = 0,
    LastInsertId = 1,
    InsertId = 2,
}

/// <summary>INTVAR_EVENT (5): LAST_INSERT_ID() or the next auto-increment value for a statement-based event.</summary>
public sealed record IntVarEvent(EventHeader Header, IntVarType Type, ulong Value) : BinlogEvent(Header)
{
    internal static IntVarEvent Read(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        return new IntVarEvent(header, (IntVarType)reader.ReadByte(), reader.ReadUInt64());
    }
}
