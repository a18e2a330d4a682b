using System.Text.Json;
using Sluice.Binlog.Events;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>Event bodies (no header, no checksum) from the shared vectors, decoded with <see cref="EventDecoder.DecodeBody"/>.</summary>
public class EventDataVectorTests
{
    public static TheoryData<string> Keys => BinlogFixtures.VectorKeys("event_data");

    [FixtureTheory]
    [MemberData(nameof(Keys))]
    public void Decodes_event_body_vector(string key)
    {
        var v = BinlogFixtures.Vector(key);
        var body = BinlogFixtures.Hex(v.Vector.GetProperty("hex").GetString()!);
        var type = (BinlogEventType)v.Vector.GetProperty("event_type").GetInt32();
        var serverId = v.Vector.TryGetProperty("header_server_id", out var sid) ? sid.GetUInt32() : 0;
        var header = BinlogFixtures.HeaderFor(type, body.Length, serverId);
        var decoder = new EventDecoder();

        if (v.Expected.Has("error", out var error) && error.GetBoolean())
        {
            var ex = Assert.ThrowsAny<BinlogFormatException>(() => decoder.DecodeBody(header, body));
            Assert.Contains(v.Expected.GetProperty("reason").GetString()!, ex.Message);
            return;
        }

        var ev = decoder.DecodeBody(header, body);
        EventExpectations.Check(ev, v.Expected);

        if (ev is TransactionPayloadEvent payload) CheckPayload(payload, v.Expected);
    }

    private static void CheckPayload(TransactionPayloadEvent payload, JsonElement e)
    {
        Assert.Equal(e.GetProperty("compression_type").GetInt32(), (int)payload.Compression);
        Assert.Equal(e.GetProperty("payload_size").GetUInt64(), payload.PayloadSize);
        Assert.Equal(e.GetProperty("uncompressed_size").GetUInt64(), payload.UncompressedSize);
        var inner = e.GetProperty("inner_events").EnumerateArray().ToList();
        Assert.Equal(inner.Count, payload.Events.Count);
        for (var i = 0; i < inner.Count; i++)
        {
            var exp = inner[i];
            var ev = payload.Events[i];
            var h = exp.GetProperty("header");
            Assert.Equal(h.GetProperty("server_id").GetUInt32(), ev.Header.ServerId);
            Assert.Equal(h.GetProperty("next_position").GetUInt32(), ev.Header.NextPosition);
            Assert.Equal(h.GetProperty("flags").GetInt32(), ev.Header.Flags);
            Assert.Equal(h.GetProperty("data_length").GetUInt32(), ev.Header.EventSize - EventHeader.Size);
            if (h.Has("timestamp_ms", out var ts)) Assert.Equal(ts.GetInt64(), ev.Header.Timestamp * 1000L);
            var data = exp.GetProperty("data");
            switch (ev)
            {
                case QueryEvent q:
                    Assert.Equal("QUERY_EVENT", exp.GetProperty("type").GetString());
                    Assert.Equal(data.GetProperty("thread_id").GetUInt32(), q.ThreadId);
                    Assert.Equal(data.GetProperty("execution_time").GetUInt32(), q.ExecutionTime);
                    Assert.Equal(data.GetProperty("error_code").GetInt32(), q.ErrorCode);
                    Assert.Equal(data.GetProperty("database").GetString(), q.Schema);
                    Assert.Equal(data.GetProperty("sql").GetString(), q.Sql);
                    break;
                case TableMapEvent tm:
                    Assert.Equal("TABLE_MAP_EVENT", exp.GetProperty("type").GetString());
                    Assert.Equal(data.GetProperty("table_id").GetUInt64(), tm.TableId);
                    Assert.Equal(data.GetProperty("database").GetString(), tm.Schema);
                    Assert.Equal(data.GetProperty("table").GetString(), tm.Table);
                    Assert.Equal(data.GetProperty("column_types").EnumerateArray().Select(x => x.GetInt32()), tm.ColumnTypes.Select(x => (int)x));
                    Assert.Equal(data.GetProperty("column_metadata").EnumerateArray().Select(x => x.GetInt32()), tm.ColumnMetadata.Select(x => (int)x));
                    Assert.All(tm.Nullable, Assert.False);
                    Assert.Equal(data.GetProperty("optional_metadata").GetProperty("default_charset").GetInt32(), tm.OptionalMetadata.DefaultCharset?.DefaultCollation);
                    break;
                case UpdateRowsEvent u:
                    Assert.Equal(data.GetProperty("table_id").GetUInt64(), u.TableId);
                    var rows = data.GetProperty("rows").EnumerateArray().ToList();
                    Assert.Equal(rows.Count, u.Rows.Count);
                    for (var r = 0; r < rows.Count; r++)
                    {
                        Assert.Equal(Texts(rows[r].GetProperty("before")), Enumerable.Range(0, u.ColumnCount).Select(c => EventExpectations.Text(u.Rows[r].Before[c])));
                        Assert.Equal(Texts(rows[r].GetProperty("after")), Enumerable.Range(0, u.ColumnCount).Select(c => EventExpectations.Text(u.Rows[r].After[c])));
                    }
                    break;
                case XidEvent x:
                    Assert.Equal(data.GetProperty("xid").GetUInt64(), x.Xid);
                    break;
                default:
                    Assert.Fail($"unexpected inner event {ev.GetType().Name}");
                    break;
            }
        }
    }

    internal static IEnumerable<string?> Texts(JsonElement array) =>
        array.EnumerateArray().Select(x => x.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => x.GetString(),
            _ => x.GetRawText(),
        }).ToList();
}
