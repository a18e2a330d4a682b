using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Tests.Values;

public sealed class ColumnMetadataTests
{
    [Theory]
    [InlineData("fe05", ColumnType.String, 5)] // CHAR(5) latin1
    [InlineData("ce05", ColumnType.String, 773)] // length high bits folded into the type byte
    [InlineData("eefc", ColumnType.String, 252 | 0x100)] // 508 bytes: CHAR(127) utf8mb4
    [InlineData("f701", ColumnType.Enum, 1)]
    [InlineData("f702", ColumnType.Enum, 2)]
    [InlineData("f803", ColumnType.Set, 3)]
    public void Resolves_string_metadata(string wire, ColumnType type, int metadata)
    {
        var r = new SpanReader(Convert.FromHexString(wire));
        var (t, m) = ColumnMetadata.Read(ref r, ColumnType.String);
        Assert.Equal(type, t);
        Assert.Equal(metadata, m);
        Assert.True(r.IsAtEnd);
        var resolved = ColumnMetadata.ResolveStringType(new ColumnInfo(0, ColumnType.String, Convert.ToUInt16(wire, 16)));
        Assert.Equal(type, resolved.Type);
        Assert.Equal(metadata, resolved.Metadata);
        Assert.Same(resolved, ColumnMetadata.ResolveStringType(resolved)); // idempotent
    }

    [Theory]
    [InlineData(ColumnType.NewDecimal, "0a02", 0x0A02)] // precision 10, scale 2
    [InlineData(ColumnType.Bit, "0403", 0x0304)] // BIT(28): bits%8 = 4, bytes = 3
    [InlineData(ColumnType.VarChar, "9001", 400)]
    [InlineData(ColumnType.Blob, "02", 2)]
    [InlineData(ColumnType.Json, "04", 4)]
    [InlineData(ColumnType.Vector, "04", 4)]
    [InlineData(ColumnType.DateTime2, "06", 6)]
    [InlineData(ColumnType.Long, "", 0)]
    public void Packs_table_map_metadata(ColumnType type, string wire, int expected)
    {
        var r = new SpanReader(Convert.FromHexString(wire));
        Assert.Equal(expected, ColumnMetadata.ReadRaw(ref r, type));
        Assert.True(r.IsAtEnd);
        Assert.Equal(wire.Length / 2, ColumnMetadata.ByteCount(type));
    }

    [Fact]
    public void Char_longer_than_255_bytes_uses_a_two_byte_length()
    {
        var cell = new byte[] { 3, 0, (byte)'a', (byte)'b', (byte)'c' };
        var r = new SpanReader(cell);
        Assert.Equal("abc", CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.String, 773, CollationId: 8)));
        Assert.Equal(5, r.Offset);
    }

    [Fact]
    public void Enum_and_set_labels_come_from_the_column()
    {
        var r = new SpanReader([2]);
        Assert.Equal(new MySqlEnum(2, "Medium"), CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Enum, 1, EnumValues: ["Low", "Medium", "High"])));
        r = new SpanReader([0]);
        Assert.Equal(new MySqlEnum(0, ""), CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Enum, 1, EnumValues: ["Low"])));
        r = new SpanReader([5]);
        Assert.Equal("5", CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Enum, 1))!.ToString());
        r = new SpanReader([5, 0]);
        var set = Assert.IsType<MySqlSet>(CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Set, 2, SetValues: ["a", "b", "c"])));
        Assert.Equal("a,c", set.ToString());
        Assert.Equal(new MySqlSet(5, ["a", "c"]), set);
    }

    [Fact]
    public void Vector_is_little_endian_float32()
    {
        byte[] cell = [12, 0, 0, 0, .. BitConverter.GetBytes(1.1f), .. BitConverter.GetBytes(-2f), .. BitConverter.GetBytes(0f)];
        var r = new SpanReader(cell);
        Assert.Equal(new[] { 1.1f, -2f, 0f }, CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Vector, 4, VectorDimensions: 3)));
    }

    [Fact]
    public void Truncated_cells_throw_format_exceptions_naming_the_column()
    {
        var e = Assert.Throws<BinlogFormatException>(() =>
        {
            var r = new SpanReader([5, (byte)'a']);
            CellDecoder.Read(ref r, new ColumnInfo(4, ColumnType.VarChar, 10, Name: "title"));
        });
        Assert.Contains("title", e.Message);
        Assert.Throws<BinlogFormatException>(() =>
        {
            var r = new SpanReader([0xff, 0xff, 0xff, 0x7f, 1]);
            CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Json, 4));
        });
    }
}
