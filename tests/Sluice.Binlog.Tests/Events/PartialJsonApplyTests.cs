using Sluice.Binlog.Events;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Tests.Events;

/// <summary>A PARTIAL_UPDATE_ROWS_EVENT whose before image holds the JSON document: the diff is applied.</summary>
public class PartialJsonApplyTests
{
    [Fact]
    public void Json_diff_in_after_image_is_applied_to_the_before_image()
    {
        // TABLE_MAP t.t (id INT NOT NULL, j JSON, k JSON): JSON pack length 4.
        byte[] tableMap = [7, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'t', 0, 1, (byte)'t', 0, 3, 3, 245, 245, 2, 4, 4, 0b110];
        var decoder = new EventDecoder();
        decoder.DecodeBody(new EventHeader(0, BinlogEventType.TableMap, 1, (uint)(19 + tableMap.Length), 0, 0), tableMap);

        // {"a":1234} in MySQL binary JSON: small object, 1 member.
        byte[] doc = [0x00, 1, 0, 12, 0, 11, 0, 1, 0, 0x05, 0xD2, 0x04, (byte)'a'];
        // One diff: REPLACE $.a with int16 7.
        byte[] diff = [0, 3, (byte)'$', (byte)'.', (byte)'a', 3, 0x05, 7, 0];

        var body = new List<byte> { 7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0b111, 0b111 };
        body.Add(0);                                            // before: no NULLs
        body.AddRange(BitConverter.GetBytes(5));                // id
        body.AddRange(BitConverter.GetBytes(doc.Length)); body.AddRange(doc); // j
        body.AddRange(BitConverter.GetBytes(doc.Length)); body.AddRange(doc); // k
        body.Add(1);                                            // value_options: PARTIAL_JSON_UPDATES
        body.Add(0b01);                                         // partial_bits: j (JSON #0) partial, k (JSON #1) full
        body.Add(0);                                            // after: no NULLs
        body.AddRange(BitConverter.GetBytes(5));
        body.AddRange(BitConverter.GetBytes(diff.Length)); body.AddRange(diff);
        body.AddRange(BitConverter.GetBytes(doc.Length)); body.AddRange(doc);

        var header = new EventHeader(0, BinlogEventType.PartialUpdateRows, 1, (uint)(19 + body.Count), 0, 0);
        var ev = Assert.IsType<UpdateRowsEvent>(decoder.DecodeBody(header, body.ToArray()));
        var row = Assert.Single(ev.Rows);
        Assert.Equal("{\"a\":1234}", Compact(Assert.IsType<MySqlJson>(row.Before[1]).Text));
        Assert.Equal("{\"a\":7}", Compact(Assert.IsType<MySqlJson>(row.After[1]).Text));
        Assert.Equal("{\"a\":1234}", Compact(Assert.IsType<MySqlJson>(row.After[2]).Text));
    }

    private static string Compact(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString();
}
