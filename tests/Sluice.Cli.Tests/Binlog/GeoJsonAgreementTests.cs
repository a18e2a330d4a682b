using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Sluice.Binlog.Values;
using Sluice.Cli.Binlog;

namespace Sluice.Cli.Tests.Binlog;

/// <summary>
/// The tail printer (<see cref="ValueJson"/> over a binlog <see cref="MySqlGeometry"/>) and the sync converter
/// (<see cref="GeoJson.FromMySqlGeometry"/>, used by the initial sync and the binlog sync) give the same GeoJSON text.
/// </summary>
public sealed class GeoJsonAgreementTests
{
    public static TheoryData<string, uint, string, string> Geometries() => new()
    {
        { "point", 0, new Wkb().Header(1).Pt(1, 2).Hex, """{"type":"Point","coordinates":[1,2]}""" },
        { "big-endian point", 0, new Wkb(little: false).Header(1).Pt(-0.5, 3).Hex, """{"type":"Point","coordinates":[-0.5,3]}""" },
        { "empty point", 0, new Wkb().Header(1).Pt(double.NaN, double.NaN).Hex, """{"type":"Point","coordinates":[]}""" },
        { "linestring", 0, new Wkb().Header(2).UInt(2).Pt(0, 0).Pt(1.25, 1).Hex, """{"type":"LineString","coordinates":[[0,0],[1.25,1]]}""" },
        { "polygon with hole", 0,
            new Wkb().Header(3).UInt(2).UInt(4).Pt(0, 0).Pt(4, 0).Pt(4, 4).Pt(0, 0).UInt(4).Pt(1, 1).Pt(2, 1).Pt(1, 2).Pt(1, 1).Hex,
            """{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]],[[1,1],[2,1],[1,2],[1,1]]]}""" },
        { "multipoint", 0, new Wkb().Header(4).UInt(2).Header(1).Pt(1, 2).Header(1).Pt(3, 4).Hex,
            """{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}""" },
        { "multilinestring", 0, new Wkb().Header(5).UInt(1).Header(2).UInt(2).Pt(0, 0).Pt(1, 1).Hex,
            """{"type":"MultiLineString","coordinates":[[[0,0],[1,1]]]}""" },
        { "multipolygon", 0, new Wkb().Header(6).UInt(1).Header(3).UInt(1).UInt(4).Pt(0, 0).Pt(1, 0).Pt(1, 1).Pt(0, 0).Hex,
            """{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}""" },
        { "collection", 0, new Wkb().Header(7).UInt(2).Header(1).Pt(1, 2).Header(2).UInt(2).Pt(0, 0).Pt(1, 1).Hex,
            """{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[0,0],[1,1]]}]}""" },
        { "empty collection", 0, new Wkb().Header(7).UInt(0).Hex, """{"type":"GeometryCollection","geometries":[]}""" },
        { "SRID 4326", 4326, new Wkb().Header(1).Pt(13.4, 52.5).Hex, """{"type":"Point","coordinates":[13.4,52.5]}""" },
        { "extreme coordinates", 3857, new Wkb().Header(1).Pt(double.MaxValue, double.Epsilon).Hex,
            """{"type":"Point","coordinates":[1.7976931348623157E+308,5E-324]}""" },
        { "negative zero", 0, new Wkb().Header(1).Pt(-0.0, -1e-7).Hex, """{"type":"Point","coordinates":[-0,-1E-07]}""" },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Tail_and_sync_agree(string name, uint srid, string wkbHex, string expected)
    {
        var wkb = Convert.FromHexString(wkbHex);
        var internalForm = new byte[4 + wkb.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(internalForm, srid);
        wkb.CopyTo(internalForm, 4);

        var sync = GeoJson.FromMySqlGeometry(internalForm);

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            ValueJson.Write(writer, new MySqlGeometry(srid, wkb));
        }
        var tail = Encoding.UTF8.GetString(stream.ToArray());

        Assert.Equal(expected, sync);
        Assert.True(tail == sync, $"{name}: tail printed {tail}, sync converted {sync}");
    }

    private sealed class Wkb(bool little = true)
    {
        private readonly List<byte> _bytes = [];

        public string Hex => Convert.ToHexString(_bytes.ToArray());

        public Wkb Header(uint type)
        {
            _bytes.Add(little ? (byte)1 : (byte)0);
            return UInt(type);
        }

        public Wkb UInt(uint value)
        {
            var b = new byte[4];
            if (little) BinaryPrimitives.WriteUInt32LittleEndian(b, value); else BinaryPrimitives.WriteUInt32BigEndian(b, value);
            _bytes.AddRange(b);
            return this;
        }

        public Wkb Pt(double x, double y)
        {
            var b = new byte[16];
            if (little)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(b, x);
                BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(8), y);
            }
            else
            {
                BinaryPrimitives.WriteDoubleBigEndian(b, x);
                BinaryPrimitives.WriteDoubleBigEndian(b.AsSpan(8), y);
            }
            _bytes.AddRange(b);
            return this;
        }
    }
}
