using Sluice.Binlog.Client;
using Sluice.Binlog.Gtid;
using Sluice.Replication.Positions;

namespace Sluice.Replication.Tests.Positions;

public sealed class BinlogPositionTextTests
{
    private const string Uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    public static TheoryData<string, long, string?, string?, string> Cases => new()
    {
        { "mariadb-bin.000003", 1234, "0-1-100,1-2-5", null, "mariadb-bin.000003:1234;mariadb=0-1-100,1-2-5" },
        { "binlog.000007", 4, null, $"{Uuid}:1-5:11", $"binlog.000007:4;mysql={Uuid}:1-5:11" },
        { "binlog.000007", 4, null, null, "binlog.000007:4" },
        { "binlog.000001", 4294967295, "", null, "binlog.000001:4294967295;mariadb=" },
        { "binlog.000001", 120, null, "", "binlog.000001:120;mysql=" },
        { "", 0, "0-1-1", null, ":0;mariadb=0-1-1" },
        { "odd:name;with%.000001", 99, "0-1-2", $"{Uuid}:1", $"odd%3Aname%3Bwith%25.000001:99;mariadb=0-1-2;mysql={Uuid}:1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Formats_and_round_trips(string file, long pos, string? mariaDb, string? mySql, string expected)
    {
        var position = new BinlogPosition(file, pos,
            mySql is null ? null : MySqlGtidSet.Parse(mySql),
            mariaDb is null ? null : MariaDbGtidList.Parse(mariaDb));

        var text = BinlogPositionText.Format(position);

        Assert.Equal(expected, text);
        var back = BinlogPositionText.Parse(text);
        Assert.Equal(position, back);
        Assert.Equal(mariaDb is null, back.MariaDbGtids is null);
        Assert.Equal(mySql is null, back.MySqlGtids is null);
        Assert.Equal(text, BinlogPositionText.Format(back));
    }

    [Theory]
    [InlineData("")]
    [InlineData("binlog.000001")]
    [InlineData("binlog.000001:")]
    [InlineData("binlog.000001:-4")]
    [InlineData("binlog.000001:4x")]
    [InlineData("binlog.000001:4;gtid=0-1-1")]
    [InlineData("binlog.000001:4;mariadb=0-1-1;mariadb=0-1-2")]
    [InlineData("binlog.000001:4;mariadb=zero")]
    [InlineData("binlog.000001:4;mysql=not-a-uuid:1")]
    [InlineData("bin%2.000001:4")]
    [InlineData("bin%41.000001:4")]
    [InlineData("snapshot:1;")]
    public void Rejects_malformed_text(string text)
    {
        Assert.False(BinlogPositionText.TryParse(text, out _));
        var ex = Assert.Throws<FormatException>(() => BinlogPositionText.Parse(text));
        Assert.Contains("is not a binlog position", ex.Message);
    }

    [Fact]
    public void Null_is_not_a_position() => Assert.False(BinlogPositionText.TryParse(null, out _));

    [Theory]
    [InlineData("mariadb-bin.000012", 12, "mariadb-bin")]
    [InlineData("binlog.1000000", 1000000, "binlog")]
    [InlineData("my.host.bin.000002", 2, "my.host.bin")]
    [InlineData("nosuffix", -1, "nosuffix")]
    [InlineData("trailing.", -1, "trailing.")]
    [InlineData("", -1, "")]
    public void File_sequence_and_base(string file, long sequence, string baseName)
    {
        Assert.Equal(sequence, BinlogPositionText.FileSequence(file));
        Assert.Equal(baseName, BinlogPositionText.FileBase(file));
    }
}

public sealed class BinlogPositionComparerTests
{
    [Theory]
    [InlineData("binlog.000001:4", "binlog.000001:120", -1)]
    [InlineData("binlog.000001:120", "binlog.000001:120", 0)]
    [InlineData("binlog.000002:4", "binlog.000001:999999", 1)]
    [InlineData("binlog.999999:4", "binlog.1000000:4", -1)] // numeric, not textual
    [InlineData("binlog.000009:500", "binlog.000010:4", -1)]
    [InlineData("binlog.000003:4;mariadb=0-1-9", "binlog.000003:4;mariadb=0-1-5", 0)] // GTIDs do not order
    [InlineData(":0;mariadb=0-1-1", "binlog.000001:4", -1)] // not yet named sorts first
    [InlineData("a.000002:4", "b.000002:4", -1)]
    public void Orders_by_file_sequence_then_offset(string x, string y, int expected)
    {
        var comparer = BinlogPositionComparer.Instance;
        Assert.Equal(expected, Math.Sign(comparer.Compare(x, y)));
        Assert.Equal(-expected, Math.Sign(comparer.Compare(y, x)));
        Assert.Equal(expected, Math.Sign(comparer.Compare(BinlogPositionText.Parse(x), BinlogPositionText.Parse(y))));
    }

    [Fact]
    public void Sorts_a_list_and_handles_null()
    {
        string[] positions = ["binlog.000010:4", "binlog.000002:900", null!, "binlog.000002:4", "binlog.000100:4"];
        Assert.Equal([null!, "binlog.000002:4", "binlog.000002:900", "binlog.000010:4", "binlog.000100:4"],
            positions.Order(BinlogPositionComparer.Instance));
        Assert.Equal(0, BinlogPositionComparer.Instance.Compare((string?)null, null));
        Assert.Throws<FormatException>(() => BinlogPositionComparer.Instance.Compare("snapshot:x", "binlog.000001:4"));
    }

    [Fact]
    public void Positions_streamed_from_the_server_format_and_sort_in_stream_order()
    {
        // Positions as the client reports them, including the GTID state: text order equals stream order.
        var gtids = MariaDbGtidList.Parse("0-1-7");
        var stream = new[]
        {
            new BinlogPosition("mariadb-bin.000009", 256, MariaDbGtids: gtids),
            new BinlogPosition("mariadb-bin.000009", 1024, MariaDbGtids: MariaDbGtidList.Parse("0-1-8")),
            new BinlogPosition("mariadb-bin.000010", 4, MariaDbGtids: MariaDbGtidList.Parse("0-1-8")),
            new BinlogPosition("mariadb-bin.000010", 385, MariaDbGtids: MariaDbGtidList.Parse("0-1-9,1-2-1")),
        };
        var texts = stream.Select(BinlogPositionText.Format).ToArray();
        Assert.Equal(texts, texts.Reverse().Order(BinlogPositionComparer.Instance));
        Assert.Equal(stream, texts.Select(BinlogPositionText.Parse));
    }
}
