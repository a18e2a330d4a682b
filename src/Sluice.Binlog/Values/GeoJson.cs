using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Sluice.Binlog.Values;

/// <summary>
/// Converts MySQL's internal geometry value (4-byte little-endian SRID followed by OGC WKB) to GeoJSON text
/// (RFC 7946 object: <c>{"type":"Point","coordinates":[x,y]}</c>, ..., GeometryCollection with <c>geometries</c>).
/// The SRID is not carried (GeoJSON has no CRS member); coordinates are written in the stored axis order.
/// This is the one converter: the initial sync, the binlog sync and <c>sluice binlog tail</c> all use it, so they agree.
/// Numbers are the shortest round-trip form (<c>-0</c> stays <c>-0</c>, large values use <c>E+</c>); a point with
/// a NaN coordinate is the empty point (<c>[]</c>).
/// </summary>
public static class GeoJson
{
    /// <summary>Converts MySQL's SRID-prefixed geometry. Malformed input throws <see cref="FormatException"/>.</summary>
    public static string FromMySqlGeometry(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4) throw new FormatException($"geometry value of {value.Length} bytes is shorter than its 4-byte SRID");
        return FromWkb(value[4..]);
    }

    /// <summary>Converts plain OGC WKB (2D) to GeoJSON.</summary>
    public static string FromWkb(ReadOnlySpan<byte> wkb)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var offset = 0;
            WriteGeometry(writer, wkb, ref offset, depth: 0);
            if (offset != wkb.Length)
            {
                throw new FormatException($"WKB has {wkb.Length - offset} trailing bytes after the geometry at offset {offset}");
            }
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteGeometry(Utf8JsonWriter writer, ReadOnlySpan<byte> wkb, ref int offset, int depth)
    {
        if (depth > 32) throw new FormatException("WKB geometry collections nest deeper than 32 levels");
        var start = offset;
        Need(wkb, offset, 5, "geometry header");
        var littleEndian = wkb[offset] switch
        {
            1 => true,
            0 => false,
            var b => throw new FormatException($"WKB byte-order flag {b} at offset {offset} is neither 0 nor 1"),
        };
        offset++;
        var type = ReadUInt32(wkb, ref offset, littleEndian, "geometry type");

        writer.WriteStartObject();
        switch (type)
        {
            case 1:
                writer.WriteString("type", "Point");
                writer.WritePropertyName("coordinates");
                WritePoint(writer, wkb, ref offset, littleEndian);
                break;
            case 2:
                writer.WriteString("type", "LineString");
                writer.WritePropertyName("coordinates");
                WritePoints(writer, wkb, ref offset, littleEndian);
                break;
            case 3:
                writer.WriteString("type", "Polygon");
                writer.WritePropertyName("coordinates");
                WritePolygon(writer, wkb, ref offset, littleEndian);
                break;
            case 4 or 5 or 6:
            {
                writer.WriteString("type", type switch { 4 => "MultiPoint", 5 => "MultiLineString", _ => "MultiPolygon" });
                writer.WritePropertyName("coordinates");
                var count = ReadCount(wkb, ref offset, littleEndian, 9);
                writer.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    // Each member is a full WKB geometry of the matching single type; its coordinates go in the array.
                    Need(wkb, offset, 5, "member header");
                    var memberLittleEndian = wkb[offset] switch
                    {
                        1 => true,
                        0 => false,
                        var b => throw new FormatException($"WKB byte-order flag {b} at offset {offset} is neither 0 nor 1"),
                    };
                    offset++;
                    var memberType = ReadUInt32(wkb, ref offset, memberLittleEndian, "member type");
                    if (memberType != type - 3)
                    {
                        throw new FormatException($"WKB type {type} holds a member of type {memberType} at offset {offset - 4}");
                    }
                    switch (memberType)
                    {
                        case 1: WritePoint(writer, wkb, ref offset, memberLittleEndian); break;
                        case 2: WritePoints(writer, wkb, ref offset, memberLittleEndian); break;
                        default: WritePolygon(writer, wkb, ref offset, memberLittleEndian); break;
                    }
                }
                writer.WriteEndArray();
                break;
            }
            case 7:
            {
                writer.WriteString("type", "GeometryCollection");
                writer.WritePropertyName("geometries");
                var count = ReadCount(wkb, ref offset, littleEndian, 5);
                writer.WriteStartArray();
                for (var i = 0; i < count; i++) WriteGeometry(writer, wkb, ref offset, depth + 1);
                writer.WriteEndArray();
                break;
            }
            default:
                throw new FormatException($"WKB geometry type {type} at offset {start} is not a 2D OGC type (1-7)");
        }
        writer.WriteEndObject();
    }

    private static void WritePolygon(Utf8JsonWriter writer, ReadOnlySpan<byte> wkb, ref int offset, bool littleEndian)
    {
        var rings = ReadCount(wkb, ref offset, littleEndian, 4);
        writer.WriteStartArray();
        for (var r = 0; r < rings; r++) WritePoints(writer, wkb, ref offset, littleEndian);
        writer.WriteEndArray();
    }

    private static void WritePoints(Utf8JsonWriter writer, ReadOnlySpan<byte> wkb, ref int offset, bool littleEndian)
    {
        var count = ReadCount(wkb, ref offset, littleEndian, 16);
        writer.WriteStartArray();
        for (var i = 0; i < count; i++) WritePoint(writer, wkb, ref offset, littleEndian);
        writer.WriteEndArray();
    }

    private static void WritePoint(Utf8JsonWriter writer, ReadOnlySpan<byte> wkb, ref int offset, bool littleEndian)
    {
        Need(wkb, offset, 16, "point coordinates");
        var x = ReadDouble(wkb[offset..], littleEndian);
        var y = ReadDouble(wkb[(offset + 8)..], littleEndian);
        offset += 16;
        writer.WriteStartArray();
        if (!double.IsNaN(x) && !double.IsNaN(y))
        {
            // An empty point (NaN coordinates) has empty coordinates in GeoJSON.
            writer.WriteNumberValue(x);
            writer.WriteNumberValue(y);
        }
        writer.WriteEndArray();
    }

    private static double ReadDouble(ReadOnlySpan<byte> span, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadDoubleLittleEndian(span) : BinaryPrimitives.ReadDoubleBigEndian(span);

    private static uint ReadUInt32(ReadOnlySpan<byte> wkb, ref int offset, bool littleEndian, string what)
    {
        Need(wkb, offset, 4, what);
        var value = littleEndian
            ? BinaryPrimitives.ReadUInt32LittleEndian(wkb[offset..])
            : BinaryPrimitives.ReadUInt32BigEndian(wkb[offset..]);
        offset += 4;
        return value;
    }

    /// <summary>Reads an element count and checks it against the bytes left (each element needs at least <paramref name="minBytesEach"/>).</summary>
    private static int ReadCount(ReadOnlySpan<byte> wkb, ref int offset, bool littleEndian, int minBytesEach)
    {
        var at = offset;
        var count = ReadUInt32(wkb, ref offset, littleEndian, "element count");
        if (count > (uint)((wkb.Length - offset) / minBytesEach))
        {
            throw new FormatException($"WKB count {count} at offset {at} exceeds the {wkb.Length - offset} bytes left");
        }
        return (int)count;
    }

    private static void Need(ReadOnlySpan<byte> wkb, int offset, int length, string what)
    {
        if (wkb.Length - offset < length)
        {
            throw new FormatException($"WKB ends at {wkb.Length} bytes: {what} needs {length} bytes at offset {offset}");
        }
    }
}
