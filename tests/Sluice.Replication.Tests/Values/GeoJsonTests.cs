using Sluice.Binlog.Values;

namespace Sluice.Replication.Tests.Values;

public sealed class GeoJsonTests
{
    [Theory]
    // SRID 0, little-endian point (1, 2)
    [InlineData("00000000" + "01" + "01000000" + "000000000000F03F" + "0000000000000040", """{"type":"Point","coordinates":[1,2]}""")]
    // SRID 4326, big-endian point (-0.5, 3)
    [InlineData("E6100000" + "00" + "00000001" + "BFE0000000000000" + "4008000000000000", """{"type":"Point","coordinates":[-0.5,3]}""")]
    // empty geometry collection
    [InlineData("00000000" + "01" + "07000000" + "00000000", """{"type":"GeometryCollection","geometries":[]}""")]
    public void Converts_wkb(string hex, string expected) =>
        Assert.Equal(expected, GeoJson.FromMySqlGeometry(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("000000", "shorter than its 4-byte SRID")]
    [InlineData("00000000" + "02" + "01000000", "byte-order flag 2")]
    [InlineData("00000000" + "01" + "09000000", "geometry type 9")]
    [InlineData("00000000" + "01" + "01000000" + "0000", "point coordinates")]
    [InlineData("00000000" + "01" + "02000000" + "FFFFFF7F", "exceeds")]
    [InlineData("00000000" + "01" + "01000000" + "000000000000F03F" + "0000000000000040" + "00", "trailing")]
    [InlineData("00000000" + "01" + "04000000" + "01000000" + "01" + "02000000" + "00000000", "member of type 2")]
    public void Malformed_wkb_is_a_format_error(string hex, string message)
    {
        var ex = Assert.Throws<FormatException>(() => GeoJson.FromMySqlGeometry(Convert.FromHexString(hex)));
        Assert.Contains(message, ex.Message);
    }
}
