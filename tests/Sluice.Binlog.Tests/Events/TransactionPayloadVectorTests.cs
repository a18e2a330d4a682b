using Sluice.Binlog.Events;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>Bare zstd frames of TRANSACTION_PAYLOAD events, wrapped here in a payload body without size fields.</summary>
public class TransactionPayloadVectorTests
{
    public static TheoryData<string> Keys => BinlogFixtures.VectorKeys("compressed_payload");

    [FixtureTheory]
    [MemberData(nameof(Keys))]
    public void Decodes_inner_events_of_zstd_frame(string key)
    {
        var v = BinlogFixtures.Vector(key);
        var frame = BinlogFixtures.Hex(v.Vector.GetProperty("zstd_frame_hex").GetString()!);
        byte[] body = [2, 1, 0, 0, .. frame]; // compression type = zstd, end of fields, payload
        var ev = Assert.IsType<TransactionPayloadEvent>(new EventDecoder().DecodeBody(
            BinlogFixtures.HeaderFor(BinlogEventType.TransactionPayload, body.Length), body));

        Assert.Equal(v.Expected.GetProperty("decompressed_length_collector_checked").GetUInt64(), ev.UncompressedSize);
        var expectedTypes = v.Expected.GetProperty("inner_event_types").EnumerateArray().Select(x => x.GetString()).ToList();
        Assert.Equal(expectedTypes, ev.Events.Select(e => ManifestName(e.Header.EventType)));
        Assert.All(ev.Events, e => Assert.Equal(0u, e.Header.NextPosition));
        Assert.All(ev.Events.OfType<RowsEvent>(), r => Assert.NotNull(r.Table));
    }

    /// <summary>MySQL's names of event types as used in the fixtures' JSON.</summary>
    internal static string ManifestName(BinlogEventType type) => type switch
    {
        BinlogEventType.Query => "QUERY_EVENT",
        BinlogEventType.TableMap => "TABLE_MAP_EVENT",
        BinlogEventType.WriteRowsV2 => "WRITE_ROWS_EVENT",
        BinlogEventType.UpdateRowsV2 => "UPDATE_ROWS_EVENT",
        BinlogEventType.DeleteRowsV2 => "DELETE_ROWS_EVENT",
        BinlogEventType.Xid => "XID_EVENT",
        _ => type.ToString(),
    };
}
