namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>An OK payload (header 0x00, or 0xFE when it ends a result set under CLIENT_DEPRECATE_EOF).</summary>
/// <param name="SessionStateChanges">Raw session-state-change entries (type, data) when the server tracked some.</param>
public sealed record OkPayload(
    ulong AffectedRows,
    ulong LastInsertId,
    ServerStatusFlags StatusFlags,
    ushort Warnings,
    string Info,
    IReadOnlyList<SessionStateChange> SessionStateChanges)
{
    public static bool IsOk(ReadOnlySpan<byte> payload) => payload.Length >= 7 && payload[0] == 0x00;

    public static OkPayload Parse(ReadOnlySpan<byte> payload, CapabilityFlags capabilities)
    {
        var reader = new SpanReader(payload);
        var header = reader.ReadByte();
        if (header is not (0x00 or 0xFE)) throw new BinlogFormatException($"not an OK payload: header byte 0x{header:x2}");
        var affected = reader.ReadLengthEncodedInteger();
        var lastInsertId = reader.ReadLengthEncodedInteger();
        var status = ServerStatusFlags.None;
        ushort warnings = 0;
        if ((capabilities & (CapabilityFlags.Protocol41 | CapabilityFlags.Transactions)) != 0)
        {
            status = (ServerStatusFlags)reader.ReadUInt16();
            if ((capabilities & CapabilityFlags.Protocol41) != 0) warnings = reader.ReadUInt16();
        }
        var info = "";
        var changes = new List<SessionStateChange>();
        if ((capabilities & CapabilityFlags.SessionTrack) != 0)
        {
            if (!reader.IsAtEnd) info = reader.ReadLengthEncodedString();
            if ((status & ServerStatusFlags.SessionStateChanged) != 0 && !reader.IsAtEnd)
            {
                var state = new SpanReader(reader.ReadLengthEncodedBytes());
                while (!state.IsAtEnd)
                {
                    var type = state.ReadByte();
                    changes.Add(new SessionStateChange(type, state.ReadLengthEncodedBytes().ToArray()));
                }
            }
        }
        else
        {
            info = HandshakeV10.Utf8(reader.ReadRemaining());
        }
        return new OkPayload(affected, lastInsertId, status, warnings, info, changes);
    }
}

/// <summary>One session-state-change entry of an OK payload (type 0 system variable, 1 schema, 2 state change...).</summary>
public sealed record SessionStateChange(byte Type, byte[] Data)
{
    public const byte SystemVariable = 0;
    public const byte Schema = 1;

    /// <summary>For <see cref="Schema"/>: the new default schema (the data is one length-encoded string).</summary>
    public string? SchemaName
    {
        get
        {
            if (Type != Schema) return null;
            var reader = new SpanReader(Data);
            return reader.ReadLengthEncodedString();
        }
    }
}
