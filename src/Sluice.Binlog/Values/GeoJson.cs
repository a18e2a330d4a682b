using System.Buffers.Binary;
using System.Text;

namespace Sluice.Binlog.Values;

/// <summary>
/// Renders OGC Well-Known Binary (2D; either byte order per geometry) as a GeoJSON geometry object:
/// Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon and GeometryCollection.
/// </summary>
public static class GeoJson
{
    private const int MaxDepth = 64;

    /// <summary>GeoJSON text for WKB bytes (no SRID prefix). Malformed input throws <see cref="BinlogFormatException"/>.</summary>
    public static string FromWkb(ReadOnlySpan<byte> wkb)
    {
        var sb = new StringBuilder(64);
        var pos = 0;
        WriteGeometry(sb, wkb, ref pos, 0);
        if (pos != wkb.Length)
            throw new BinlogFormatException($"WKB has {wkb.Length - pos} trailing byte(s) after the geometry at offset {pos}");
        return sb.ToString();
    }

    private static void WriteGeometry(StringBuilder sb, ReadOnlySpan<byte> wkb, ref int pos, int depth)
    {
        if (depth > MaxDepth) throw new BinlogFormatException("WKB geometry collections nested too deeply");
        var start = pos;
        var little = ReadByteOrder(wkb, ref pos);
        var type = ReadUInt32(wkb, ref pos, little);
        switch (type)
        {
            case 1:
                sb.Append("{\"type\":\"Point\",\"coordinates\":");
                WritePoint(sb, wkb, ref pos, little);
                break;
            case 2:
                sb.Append("{\"type\":\"LineString\",\"coordinates\":");
                WritePointList(sb, wkb, ref pos, little);
                break;
            case 3:
                sb.Append("{\"type\":\"Polygon\",\"coordinates\":");
                WritePolygonRings(sb, wkb, ref pos, little);
                break;
            case 4:
            case 5:
            case 6:
            {
                var (name, member) = type switch { 4 => ("MultiPoint", 1u), 5 => ("MultiLineString", 2u), _ => ("MultiPolygon", 3u) };
                sb.Append("{\"type\":\"").Append(name).Append("\",\"coordinates\":[");
                var n = ReadCount(wkb, ref pos, little, 9);
                for (var i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(',');
                    var memberStart = pos;
                    var memberLittle = ReadByteOrder(wkb, ref pos);
                    var memberType = ReadUInt32(wkb, ref pos, memberLittle);
                    if (memberType != member)
                        throw new BinlogFormatException($"WKB {name} at offset {start} contains a geometry of type {memberType} at offset {memberStart}");
                    if (member == 1) WritePoint(sb, wkb, ref pos, memberLittle);
                    else if (member == 2) WritePointList(sb, wkb, ref pos, memberLittle);
                    else WritePolygonRings(sb, wkb, ref pos, memberLittle);
                }
                sb.Append(']');
                break;
            }
            case 7:
            {
                sb.Append("{\"type\":\"GeometryCollection\",\"geometries\":[");
                var n = ReadCount(wkb, ref pos, little, 9);
                for (var i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteGeometry(sb, wkb, ref pos, depth + 1);
                }
                sb.Append(']');
                break;
            }
            default:
                throw new BinlogFormatException($"unsupported WKB geometry type {type} at offset {start} (only 2D types 1-7 are supported)");
        }
        sb.Append('}');
    }

    private static void WritePolygonRings(StringBuilder sb, ReadOnlySpan<byte> wkb, ref int pos, bool little)
    {
        var rings = ReadCount(wkb, ref pos, little, 4);
        sb.Append('[');
        for (var r = 0; r < rings; r++)
        {
            if (r > 0) sb.Append(',');
            WritePointList(sb, wkb, ref pos, little);
        }
        sb.Append(']');
    }

    private static void WritePointList(StringBuilder sb, ReadOnlySpan<byte> wkb, ref int pos, bool little)
    {
        var n = ReadCount(wkb, ref pos, little, 16);
        sb.Append('[');
        for (var i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(',');
            WritePoint(sb, wkb, ref pos, little);
        }
        sb.Append(']');
    }

    private static void WritePoint(StringBuilder sb, ReadOnlySpan<byte> wkb, ref int pos, bool little)
    {
        var x = ReadDouble(wkb, ref pos, little);
        var y = ReadDouble(wkb, ref pos, little);
        if (double.IsNaN(x) && double.IsNaN(y))
        {
            sb.Append("[]"); // empty point
            return;
        }
        sb.Append('[').Append(JsonText.FormatDouble(x, false)).Append(',').Append(JsonText.FormatDouble(y, false)).Append(']');
    }

    private static bool ReadByteOrder(ReadOnlySpan<byte> wkb, ref int pos)
    {
        Need(wkb, pos, 1);
        var b = wkb[pos++];
        return b switch
        {
            1 => true,
            0 => false,
            _ => throw new BinlogFormatException($"invalid WKB byte order marker {b} at offset {pos - 1}"),
        };
    }

    private static int ReadCount(ReadOnlySpan<byte> wkb, ref int pos, bool little, int minBytesPerItem)
    {
        var at = pos;
        var n = ReadUInt32(wkb, ref pos, little);
        if (n > (uint)(wkb.Length - pos) / (uint)minBytesPerItem)
            throw new BinlogFormatException($"WKB count {n} at offset {at} exceeds the {wkb.Length - pos} byte(s) left");
        return (int)n;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> wkb, ref int pos, bool little)
    {
        Need(wkb, pos, 4);
        var s = wkb.Slice(pos, 4);
        pos += 4;
        return little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
    }

    private static double ReadDouble(ReadOnlySpan<byte> wkb, ref int pos, bool little)
    {
        Need(wkb, pos, 8);
        var s = wkb.Slice(pos, 8);
        pos += 8;
        return little ? BinaryPrimitives.ReadDoubleLittleEndian(s) : BinaryPrimitives.ReadDoubleBigEndian(s);
    }

    private static void Need(ReadOnlySpan<byte> wkb, int pos, int n)
    {
        if (pos > wkb.Length - n) throw new BinlogFormatException($"truncated WKB: wanted {n} byte(s) at offset {pos}, {wkb.Length - pos} left");
    }
}
