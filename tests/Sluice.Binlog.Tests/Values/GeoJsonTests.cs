using System.Buffers.Binary;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Tests.Values;

public sealed class GeoJsonTests
{
    /// <summary>A tiny WKB writer for the tests (either byte order).</summary>
    private sealed class Wkb(bool little)
    {
        private readonly List<byte> _b = [];

        public Wkb Header(uint type)
        {
            _b.Add(little ? (byte)1 : (byte)0);
            return UInt(type);
        }

        public Wkb UInt(uint v)
        {
            var s = new byte[4];
            if (little) BinaryPrimitives.WriteUInt32LittleEndian(s, v);
            else BinaryPrimitives.WriteUInt32BigEndian(s, v);
            _b.AddRange(s);
            return this;
        }

        public Wkb Pt(double x, double y)
        {
            var s = new byte[16];
            if (little) { BinaryPrimitives.WriteDoubleLittleEndian(s, x); BinaryPrimitives.WriteDoubleLittleEndian(s.AsSpan(8), y); }
            else { BinaryPrimitives.WriteDoubleBigEndian(s, x); BinaryPrimitives.WriteDoubleBigEndian(s.AsSpan(8), y); }
            _b.AddRange(s);
            return this;
        }

        public Wkb Raw(byte[] bytes)
        {
            _b.AddRange(bytes);
            return this;
        }

        public byte[] Bytes => [.. _b];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Renders_every_geometry_type(bool little)
    {
        Assert.Equal("{\"type\":\"Point\",\"coordinates\":[1.5,-2]}", GeoJson.FromWkb(new Wkb(little).Header(1).Pt(1.5, -2).Bytes));
        Assert.Equal("{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}",
            GeoJson.FromWkb(new Wkb(little).Header(2).UInt(2).Pt(0, 0).Pt(1, 1).Bytes));
        Assert.Equal("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,0]],[[1,1],[2,1],[1,2],[1,1]]]}",
            GeoJson.FromWkb(new Wkb(little).Header(3).UInt(2).UInt(4).Pt(0, 0).Pt(4, 0).Pt(4, 4).Pt(0, 0).UInt(4).Pt(1, 1).Pt(2, 1).Pt(1, 2).Pt(1, 1).Bytes));
        Assert.Equal("{\"type\":\"MultiPoint\",\"coordinates\":[[1,2],[3,4]]}",
            GeoJson.FromWkb(new Wkb(little).Header(4).UInt(2).Header(1).Pt(1, 2).Header(1).Pt(3, 4).Bytes));
        Assert.Equal("{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[1,1]]]}",
            GeoJson.FromWkb(new Wkb(little).Header(5).UInt(1).Header(2).UInt(2).Pt(0, 0).Pt(1, 1).Bytes));
        Assert.Equal("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[0,1],[0,0]]]]}",
            GeoJson.FromWkb(new Wkb(little).Header(6).UInt(1).Header(3).UInt(1).UInt(4).Pt(0, 0).Pt(1, 0).Pt(0, 1).Pt(0, 0).Bytes));
        Assert.Equal("{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\",\"coordinates\":[1,2]},{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}]}",
            GeoJson.FromWkb(new Wkb(little).Header(7).UInt(2).Header(1).Pt(1, 2).Header(2).UInt(2).Pt(0, 0).Pt(1, 1).Bytes));
    }

    [Fact]
    public void Mixed_byte_orders_inside_a_collection()
    {
        var wkb = new Wkb(true).Header(7).UInt(2).Raw(new Wkb(false).Header(1).Pt(1, 2).Bytes).Raw(new Wkb(true).Header(1).Pt(3, 4).Bytes).Bytes;
        Assert.Equal("{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\",\"coordinates\":[1,2]},{\"type\":\"Point\",\"coordinates\":[3,4]}]}", GeoJson.FromWkb(wkb));
    }

    [Fact]
    public void Geometry_cell_has_srid_then_wkb()
    {
        var wkb = new Wkb(true).Header(1).Pt(1.2, 1.3).Bytes;
        var cell = new byte[4 + 4 + wkb.Length];
        BinaryPrimitives.WriteInt32LittleEndian(cell, 4 + wkb.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.AsSpan(4), 4326);
        wkb.CopyTo(cell, 8);
        var r = new SpanReader(cell);
        var g = Assert.IsType<MySqlGeometry>(CellDecoder.Read(ref r, new ColumnInfo(0, ColumnType.Geometry, 4)));
        Assert.Equal(cell.Length, r.Offset);
        Assert.Equal(4326u, g.Srid);
        Assert.Equal(wkb, g.Wkb);
        Assert.Equal("{\"type\":\"Point\",\"coordinates\":[1.2,1.3]}", g.ToGeoJson());
    }

    [Theory]
    [InlineData("0101000000")] // truncated point
    [InlineData("02")] // bad byte order
    [InlineData("0109000000")] // unsupported type
    [InlineData("0102000000ffffffff")] // absurd count
    [InlineData("01040000000100000001020000000000000000")] // MultiPoint holding a LineString
    public void Malformed_wkb_throws_format_exception(string hex) =>
        Assert.Throws<FormatException>(() => GeoJson.FromWkb(Convert.FromHexString(hex)));
}
