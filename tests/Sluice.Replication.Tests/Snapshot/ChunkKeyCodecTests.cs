using Sluice.Replication.Snapshot;

namespace Sluice.Replication.Tests.Snapshot;

public sealed class ChunkKeyCodecTests
{
    public static TheoryData<object?[]> Keys() => new()
    {
        new object?[] { 42L },
        new object?[] { long.MinValue, long.MaxValue },
        new object?[] { ulong.MaxValue, 0UL },
        new object?[] { -0.0, double.Epsilon, 1.100000023841858, double.NaN },
        new object?[] { "0000-00-00 00:00:00.000", "12345678901234567890.0000000001", "a,b:c|d", "" },
        new object?[] { new byte[] { 0x61, 0x00, 0xff }, Array.Empty<byte>(), "ünïcødé 🎉" },
        new object?[] { null, 1L },
        Array.Empty<object?>(),
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Round_trips_exactly(object?[] key)
    {
        var text = ChunkKeyCodec.Encode(key);
        var back = ChunkKeyCodec.Decode(text);
        Assert.Equal(key.Length, back.Length);
        for (var i = 0; i < key.Length; i++)
        {
            Assert.Equal(key[i]?.GetType(), back[i]?.GetType());
            if (key[i] is double d) Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits((double)back[i]!));
            else Assert.Equal(key[i], back[i]);
        }
        Assert.Equal(text, ChunkKeyCodec.Encode(back));
    }

    [Fact]
    public void The_format_is_readable_and_stable()
    {
        Assert.Equal("k1:L-5,U7,SYSxi,X/w==,N,F3ff0000000000000", ChunkKeyCodec.Encode([-5L, 7UL, "a,b", new byte[] { 0xff }, null, 1.0]));
    }

    [Theory]
    [InlineData("L1", "does not start with")]
    [InlineData("k1:L1,", "element 1 is empty")]
    [InlineData("k1:Q1", "element 0")]
    [InlineData("k1:Labc", "element 0")]
    [InlineData("k1:U-1", "element 0")]
    [InlineData("k1:F12", "element 0")]
    [InlineData("k1:S***", "element 0")]
    [InlineData("k1:L1,Nx", "element 1")]
    [InlineData("k1:S/w==", "element 0")]
    public void Malformed_text_throws_a_format_exception_naming_the_element(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ChunkKeyCodec.Decode(text));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Unsupported_values_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => ChunkKeyCodec.Encode([1]));
        Assert.Contains("Int32", ex.Message);
    }
}
