using Sluice.Binlog.Protocol;
using Sluice.Binlog.Protocol.Payloads;

namespace Sluice.Binlog.Tests.Protocol;

/// <summary>Byte layouts of the replication commands and the classification of server errors.</summary>
public sealed class CommandPayloadTests
{
    [Fact]
    public void Binlog_dump_layout()
    {
        var bytes = new ComBinlogDump("bin.000002", 0x01020304, 0x0A0B0C0D, BinlogDumpFlags.NonBlock).ToPayload();
        Assert.Equal("120403020101000d0c0b0a" + Convert.ToHexStringLower("bin.000002"u8), Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Binlog_dump_gtid_layout_and_sid_blocks()
    {
        var sid = Convert.FromHexString("3e11fa4771ca11e19e33c80aa9429562");
        var encoded = ComBinlogDumpGtid.EncodeGtidSet([new GtidSidIntervals(sid, [(1, 6), (11, 12)])]);
        Assert.Equal(8 + 16 + 8 + 2 * 16, encoded.Length);
        Assert.Equal("0100000000000000" + "3e11fa4771ca11e19e33c80aa9429562" + "0200000000000000" +
                     "0100000000000000" + "0600000000000000" + "0b00000000000000" + "0c00000000000000",
            Convert.ToHexStringLower(encoded));

        var bytes = new ComBinlogDumpGtid(7, BinlogDumpFlags.None, "", 4, encoded).ToPayload();
        var reader = new SpanReader(bytes);
        Assert.Equal(0x1E, reader.ReadByte());
        Assert.Equal((ushort)BinlogDumpFlags.ThroughGtid, reader.ReadUInt16());
        Assert.Equal(7u, reader.ReadUInt32());
        Assert.Equal(0u, reader.ReadUInt32()); // file name length
        Assert.Equal(4ul, reader.ReadUInt64());
        Assert.Equal((uint)encoded.Length, reader.ReadUInt32());
        Assert.Equal(encoded, reader.ReadRemaining().ToArray());
    }

    [Fact]
    public void Empty_gtid_set_is_eight_zero_bytes() => Assert.Equal(new byte[8], ComBinlogDumpGtid.EncodeGtidSet([]));

    [Fact]
    public void Register_slave_layout()
    {
        var bytes = new ComRegisterSlave(5, "h", "u", "", 3306).ToPayload();
        Assert.Equal("15" + "05000000" + "0168" + "0175" + "00" + "ea0c" + "00000000" + "00000000", Convert.ToHexStringLower(bytes));
    }

    [Theory]
    [InlineData(1045, "Access denied for user 'x'@'localhost' (using password: YES)", typeof(BinlogAccessDeniedException))]
    [InlineData(1227, "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s)", typeof(BinlogAccessDeniedException))]
    [InlineData(1236, "Could not find first log file name in binary log index file", typeof(BinlogPositionUnavailableException))]
    [InlineData(1236, "Could not find GTID state requested by slave in any binlog files. Probably the slave state is too old and required binlog files have been purged.", typeof(BinlogPositionUnavailableException))]
    [InlineData(1236, "Cannot replicate because the master purged required binary logs.", typeof(BinlogPositionUnavailableException))]
    [InlineData(1236, "Binary log is not open", typeof(BinlogDisabledException))]
    [InlineData(1236, "The replication receiver thread cannot start because the master has GTID_MODE = OFF and this server has GTID_MODE = ON.", typeof(GtidModeOffException))]
    [InlineData(1381, "You are not using binary logging", typeof(BinlogDisabledException))]
    [InlineData(1064, "You have an error in your SQL syntax", typeof(BinlogServerException))]
    public void Server_errors_map_to_typed_exceptions(int code, string message, Type expected)
    {
        var ex = BinlogServerException.Create(new ErrPayload((ushort)code, "HY000", message), "test");
        Assert.IsType(expected, ex);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(message, ex.ServerMessage);
        Assert.False(string.IsNullOrWhiteSpace(ex.Hint));
        Assert.DoesNotContain('\n', ex.Hint);
        Assert.StartsWith("test: " + message, ex.Message);
    }

    [Fact]
    public void Text_row_reads_nulls_and_strings()
    {
        var row = new PayloadWriter().WriteLengthEncodedString("a").WriteByte(0xFB).WriteLengthEncodedString("").ToArray();
        Assert.Equal(new string?[] { "a", null, "" }, TextRow.Parse(row, 3));
        Assert.Throws<BinlogFormatException>(() => TextRow.Parse(row, 2));
    }
}
