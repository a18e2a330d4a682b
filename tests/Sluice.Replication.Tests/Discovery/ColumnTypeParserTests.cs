using Sluice.Replication.Discovery;

namespace Sluice.Replication.Tests.Discovery;

public sealed class ColumnTypeParserTests
{
    [Theory]
    [InlineData("enum('a','b','c')", new[] { "a", "b", "c" })]
    [InlineData("set('x','y')", new[] { "x", "y" })]
    [InlineData("enum('it''s','a,b','')", new[] { "it's", "a,b", "" })]
    [InlineData("enum('back\\\\slash','q\\'uote')", new[] { "back\\slash", "q'uote" })]
    [InlineData("enum('(paren)',' lead')", new[] { "(paren)", " lead" })]
    [InlineData("int(11)", new string[0])]
    public void Labels_are_parsed_with_quotes_and_escapes(string columnType, string[] expected) =>
        Assert.Equal(expected, ColumnTypeParser.Labels(columnType));

    [Theory]
    [InlineData("tinyint(1) unsigned", true, 1)]
    [InlineData("tinyint(1)", false, 1)]
    [InlineData("int unsigned", true, null)]
    [InlineData("bigint(20) unsigned zerofill", true, 20)]
    [InlineData("enum('unsigned')", false, null)]
    [InlineData("decimal(10,2)", false, null)]
    public void Unsigned_and_display_width(string columnType, bool unsigned, int? width)
    {
        Assert.Equal(unsigned, ColumnTypeParser.IsUnsigned(columnType));
        Assert.Equal(width, ColumnTypeParser.DisplayWidth(columnType));
    }

    [Theory]
    [InlineData("time", "time(3)", 3)]
    [InlineData("datetime", "datetime", 0)]
    [InlineData("timestamp", "timestamp(6)", 6)]
    [InlineData("int", "int(11)", 0)]
    public void Fractional_digits(string dataType, string columnType, int expected) =>
        Assert.Equal(expected, ColumnTypeParser.FractionalDigits(dataType, columnType));

    [Fact]
    public void Unterminated_label_is_a_format_error() =>
        Assert.Throws<FormatException>(() => ColumnTypeParser.Labels("enum('a"));
}
