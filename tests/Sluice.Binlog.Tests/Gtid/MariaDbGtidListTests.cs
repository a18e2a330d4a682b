using Sluice.Binlog.Gtid;

namespace Sluice.Binlog.Tests.Gtid;

public class MariaDbGtidListTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("0-1-100", "0-1-100")]
    [InlineData("2-5-7, 0-1-100", "0-1-100,2-5-7")]
    [InlineData("4294967295-4294967295-18446744073709551615", "4294967295-4294967295-18446744073709551615")]
    public void Parses_and_prints_domains_in_order(string text, string canonical) =>
        Assert.Equal(canonical, MariaDbGtidList.Parse(text).ToString());

    [Theory]
    [InlineData("0-1")]
    [InlineData("0-1-x")]
    [InlineData("-1-2-3")]
    [InlineData("0-1-5,0-2-6")]
    public void Rejects_malformed_text(string text) => Assert.Throws<FormatException>(() => MariaDbGtidList.Parse(text));

    [Fact]
    public void Advance_replaces_the_position_of_a_domain()
    {
        var list = MariaDbGtidList.Parse("0-1-100,1-2-5");
        list.Advance(new MariaDbGtid(0, 3, 101));
        list.Advance(MariaDbGtid.Parse("7-1-1"));
        Assert.Equal("0-3-101,1-2-5,7-1-1", list.ToString());
        Assert.True(list.TryGet(1, out var g));
        Assert.Equal(new MariaDbGtid(1, 2, 5), g);
        Assert.False(list.TryGet(9, out _));
        Assert.Equal(3, list.Count);
        Assert.Equal(MariaDbGtidList.Parse("7-1-1,1-2-5,0-3-101"), list);
    }

    [Fact]
    public void Clone_is_independent()
    {
        var list = MariaDbGtidList.Parse("0-1-1");
        var copy = list.Clone();
        copy.Advance(new MariaDbGtid(0, 1, 2));
        Assert.Equal("0-1-1", list.ToString());
        Assert.Equal("0-1-2", copy.ToString());
    }
}
