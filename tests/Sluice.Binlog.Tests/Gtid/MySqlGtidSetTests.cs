using Sluice.Binlog.Gtid;

namespace Sluice.Binlog.Tests.Gtid;

public class MySqlGtidSetTests
{
    private const string A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private const string B = "896e7882-18fe-11ef-ab88-22222d34d411";

    [Theory]
    [InlineData("", "")]
    [InlineData(A + ":1-5", A + ":1-5")]
    [InlineData(A + ":1-3:4-5:7", A + ":1-5:7")]
    [InlineData(A + ":7:1-3:2-4", A + ":1-4:7")]
    [InlineData(B + ":1-2," + A + ":5", A + ":5," + B + ":1-2")]
    [InlineData(A + ":1-5, " + A + ":6-9", A + ":1-9")]
    [InlineData(A + ":tag_b:1:TAG_A:3:1-2", A + ":tag_a:1-3:tag_b:1")]
    [InlineData(A + ":x:1," + A + ":1-3", A + ":1-3:x:1")]
    [InlineData("3E11FA4771CA11E19E33C80AA9429562:4", A + ":4")]
    [InlineData(A + ":1-5,\n" + B + ":1", A + ":1-5," + B + ":1")]
    public void Parses_and_prints_canonical_text(string text, string canonical)
    {
        Assert.Equal(canonical, MySqlGtidSet.Parse(text).ToString());
        Assert.Equal(canonical, MySqlGtidSet.Parse(canonical).ToString());
    }

    [Theory]
    [InlineData("not-a-uuid:1")]
    [InlineData(A + ":0")]
    [InlineData(A + ":5-3")]
    [InlineData(A + ":1-x")]
    [InlineData(A + ":9tag:1")]
    [InlineData(A + ":this_tag_is_much_longer_than_thirty_two:1")]
    [InlineData(A + ":1,," + B + ":1")]
    public void Rejects_malformed_text(string text) => Assert.Throws<FormatException>(() => MySqlGtidSet.Parse(text));

    [Fact]
    public void Add_and_contains_merge_adjacent_gnos()
    {
        var set = new MySqlGtidSet();
        var uuid = Guid.Parse(A);
        Assert.True(set.Add(new MySqlGtid(uuid, 1)));
        Assert.True(set.Add(new MySqlGtid(uuid, 3)));
        Assert.Equal(A + ":1:3", set.ToString());
        Assert.True(set.Add(new MySqlGtid(uuid, 2)));
        Assert.Equal(A + ":1-3", set.ToString());
        Assert.False(set.Add(new MySqlGtid(uuid, 2)));
        Assert.True(set.Contains(new MySqlGtid(uuid, 3)));
        Assert.False(set.Contains(new MySqlGtid(uuid, 4)));
        Assert.False(set.Contains(new MySqlGtid(uuid, "t", 2)));
        Assert.True(set.Add(new MySqlGtid(uuid, "t", 2)));
        Assert.True(set.Contains(MySqlGtid.Parse(A + ":t:2")));
        Assert.Equal(A + ":1-3:t:2", set.ToString());
    }

    [Fact]
    public void Union_merges_overlapping_intervals_without_changing_the_operands()
    {
        var x = MySqlGtidSet.Parse(A + ":1-5:10-12");
        var y = MySqlGtidSet.Parse(A + ":4-10," + B + ":1");
        var u = x.Union(y);
        Assert.Equal(A + ":1-12," + B + ":1", u.ToString());
        Assert.Equal(A + ":1-5:10-12", x.ToString());
        Assert.True(x.IsSubsetOf(u));
        Assert.True(y.IsSubsetOf(u));
        Assert.False(u.IsSubsetOf(x));
        Assert.Equal(u, MySqlGtidSet.Parse(B + ":1," + A + ":1-12"));
    }

    [Fact]
    public void Large_gnos_up_to_the_maximum()
    {
        var set = MySqlGtidSet.Parse(A + ":9223372036854775800-9223372036854775807");
        set.AddInterval(Guid.Parse(A), null, 1, 9223372036854775799);
        Assert.Equal(A + ":1-9223372036854775807", set.ToString());
    }

    [Fact]
    public void Single_gtid_round_trips()
    {
        Assert.Equal(A + ":42", MySqlGtid.Parse(A + ":42").ToString());
        Assert.Equal(A + ":tag:42", MySqlGtid.Parse(A + ":TAG:42").ToString());
        Assert.Throws<FormatException>(() => MySqlGtid.Parse(A));
    }
}
