using System.IO.Hashing;
using Sluice.Binlog.Events;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>Complete events (header + body + optional CRC32) from the shared vectors, decoded by <see cref="EventDecoder"/>.</summary>
public class EventVectorTests
{
    public static TheoryData<string> Keys => BinlogFixtures.VectorKeys("event");

    [FixtureTheory]
    [MemberData(nameof(Keys))]
    public void Decodes_event_vector(string key)
    {
        var v = BinlogFixtures.Vector(key);
        var bytes = BinlogFixtures.Hex(v.Vector.GetProperty("hex").GetString()!);
        var checksum = v.Vector.TryGetProperty("checksum", out var c) ? c.GetString() ?? "" : "";
        if (checksum.StartsWith("header event_size", StringComparison.Ordinal))
        {
            // The vector omits the CRC32 trailer its header counts: append it.
            bytes = [.. bytes, .. BitConverter.GetBytes(Crc32.HashToUInt32(bytes))];
        }
        var decoder = new EventDecoder(checksum.StartsWith("NONE", StringComparison.Ordinal) ? BinlogChecksumAlgorithm.None : BinlogChecksumAlgorithm.Crc32);

        // Earlier FDEs and TABLE_MAPs of the same group set up the decoder state (as they would in a stream).
        foreach (var previous in BinlogFixtures.Preceding(key))
        {
            var prevBytes = BinlogFixtures.Hex(previous.Vector.GetProperty("hex").GetString()!);
            if (prevBytes[4] is 15 or 19) decoder.Decode(prevBytes);
        }

        if (v.Id == "write_rows_long_1_against_tiny_map")
        {
            // The row image holds 4-byte values while its TABLE_MAP says TINY: the rows do not parse.
            var ex = Assert.ThrowsAny<BinlogFormatException>(() => decoder.Decode(bytes));
            Assert.Contains("WriteRowsV2 (30) event at position", ex.Message);
            return;
        }

        var ev = decoder.Decode(bytes);
        EventExpectations.Check(ev, v.Expected);

        if (ev is TransactionPayloadEvent payload)
        {
            var e = v.Expected;
            Assert.Equal(e.GetProperty("payload_fields").GetProperty("uncompressed_size").GetUInt64(), payload.UncompressedSize);
            Assert.Equal(e.GetProperty("payload_fields").GetProperty("payload_size").GetUInt64(), payload.PayloadSize);
            Assert.Equal(TransactionCompression.Zstd, payload.Compression);
            Assert.Collection(payload.Events,
                q => Assert.Equal("BEGIN", Assert.IsType<QueryEvent>(q).Sql),
                t => Assert.Equal(("vt_commerce", "customer"), (Assert.IsType<TableMapEvent>(t).Schema, ((TableMapEvent)t).Table)),
                w =>
                {
                    var rows = Assert.IsType<WriteRowsEvent>(w).Rows;
                    Assert.Equal(2, rows.Count);
                    Assert.Equal(1L, rows[0][0]);
                    // email is VARBINARY(128) in the Vitess example schema (collation 63): bytes.
                    Assert.Equal("mlord@planetscale.com", System.Text.Encoding.UTF8.GetString(Assert.IsType<byte[]>(rows[0][1])));
                    Assert.Equal(2L, rows[1][0]);
                    Assert.Equal("sup@planetscale.com", System.Text.Encoding.UTF8.GetString(Assert.IsType<byte[]>(rows[1][1])));
                },
                x => Assert.IsType<XidEvent>(x));
        }
        if (v.Expected.Has("checksum_bytes_hex", out var crcHex))
            Assert.Equal(crcHex.GetString(), Convert.ToHexString(bytes[^4..]).ToLowerInvariant());
    }
}
