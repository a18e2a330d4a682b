using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Sluice.Binlog.Values;

/// <summary>
/// Decodes MySQL's binary JSON format (the bytes of a JSON cell after its length prefix) into compact JSON text.
/// <para>
/// Format (public MySQL docs, json_binary.h): a type byte then the value. Types: 0x00/0x01 small/large object,
/// 0x02/0x03 small/large array, 0x04 literal (0 null, 1 true, 2 false), 0x05 int16, 0x06 uint16, 0x07 int32,
/// 0x08 uint32, 0x09 int64, 0x0A uint64, 0x0B double, 0x0C string (variable-length length + UTF-8),
/// 0x0F opaque (MySQL field type byte, variable-length length, payload). All integers little-endian.
/// A container is: element count, byte size (2 bytes each when small, 4 when large), key entries (objects only:
/// key offset + 2-byte key length), value entries (type byte + offset, or the value itself when it fits: literals,
/// int16, uint16, and in large containers int32/uint32), then keys and values. Offsets are relative to the container
/// start (after its type byte), so bytes left unreferenced by in-place partial updates are skipped naturally.
/// </para>
/// <para>
/// Rendering: objects keep the stored key order (MySQL stores keys sorted by length, then bytes); integers exact;
/// doubles shortest round-trip (integral doubles get ".0", like MySQL); opaque DECIMAL, DATE, TIME, DATETIME and
/// TIMESTAMP become JSON strings as MySQL shows them ("9.00", "2012-03-18", "87:31:46.654321",
/// "2012-03-18 11:30:45.000000"); any other opaque value becomes "base64:typeNN:&lt;base64&gt;" (MySQL's form).
/// </para>
/// </summary>
public static class JsonBinaryDecoder
{
    private const byte SmallObject = 0x00, LargeObject = 0x01, SmallArray = 0x02, LargeArray = 0x03, Literal = 0x04,
        Int16 = 0x05, UInt16 = 0x06, Int32 = 0x07, UInt32 = 0x08, Int64 = 0x09, UInt64 = 0x0A, Double = 0x0B,
        String = 0x0C, Opaque = 0x0F;

    private const int MaxDepth = 150;

    /// <summary>Decodes a JSON cell's document; zero bytes give <see cref="MySqlJson.Empty"/>.</summary>
    public static MySqlJson Decode(ReadOnlySpan<byte> document) =>
        document.Length == 0 ? MySqlJson.Empty : new MySqlJson(ToJsonText(document));

    /// <summary>The JSON text of a non-empty binary document. Malformed bytes throw <see cref="BinlogFormatException"/>.</summary>
    public static string ToJsonText(ReadOnlySpan<byte> document)
    {
        if (document.Length == 0) throw new BinlogFormatException("binary JSON document is empty (no type byte)");
        var sb = new StringBuilder(Math.Min(document.Length * 2, 1 << 20));
        WriteValue(sb, document, document[0], 1, 0);
        return sb.ToString();
    }

    private static void WriteValue(StringBuilder sb, ReadOnlySpan<byte> doc, byte type, int offset, int depth)
    {
        switch (type)
        {
            case SmallObject:
            case LargeObject:
            case SmallArray:
            case LargeArray:
                WriteContainer(sb, doc, offset, large: type is LargeObject or LargeArray, isObject: type is SmallObject or LargeObject, depth);
                break;
            case Literal:
                WriteLiteral(sb, Slice(doc, offset, 1)[0], offset);
                break;
            case Int16:
                sb.Append(BinaryPrimitives.ReadInt16LittleEndian(Slice(doc, offset, 2)).ToString(CultureInfo.InvariantCulture));
                break;
            case UInt16:
                sb.Append(BinaryPrimitives.ReadUInt16LittleEndian(Slice(doc, offset, 2)).ToString(CultureInfo.InvariantCulture));
                break;
            case Int32:
                sb.Append(BinaryPrimitives.ReadInt32LittleEndian(Slice(doc, offset, 4)).ToString(CultureInfo.InvariantCulture));
                break;
            case UInt32:
                sb.Append(BinaryPrimitives.ReadUInt32LittleEndian(Slice(doc, offset, 4)).ToString(CultureInfo.InvariantCulture));
                break;
            case Int64:
                sb.Append(BinaryPrimitives.ReadInt64LittleEndian(Slice(doc, offset, 8)).ToString(CultureInfo.InvariantCulture));
                break;
            case UInt64:
                sb.Append(BinaryPrimitives.ReadUInt64LittleEndian(Slice(doc, offset, 8)).ToString(CultureInfo.InvariantCulture));
                break;
            case Double:
                sb.Append(JsonText.FormatDouble(BinaryPrimitives.ReadDoubleLittleEndian(Slice(doc, offset, 8))));
                break;
            case String:
            {
                var pos = offset;
                var length = ReadVariableLength(doc, ref pos);
                JsonText.AppendString(sb, Encoding.UTF8.GetString(Slice(doc, pos, length, "string")));
                break;
            }
            case Opaque:
                WriteOpaque(sb, doc, offset);
                break;
            default:
                throw new BinlogFormatException($"unknown binary JSON value type 0x{type:x2} at offset {offset}");
        }
    }

    private static void WriteContainer(StringBuilder sb, ReadOnlySpan<byte> doc, int start, bool large, bool isObject, int depth)
    {
        var what = isObject ? "object" : "array";
        if (depth >= MaxDepth) throw new BinlogFormatException($"binary JSON nested deeper than {MaxDepth} at offset {start}");
        var w = large ? 4 : 2;
        var header = Slice(doc, start, 2 * w, what + " header");
        var count = ReadOffsetOrSize(header, 0, large);
        var size = ReadOffsetOrSize(header, w, large);
        if (size > doc.Length - start)
            throw new BinlogFormatException($"binary JSON {what} at offset {start} claims {size} bytes, {doc.Length - start} available");
        var container = doc.Slice(start, size);
        var keyEntrySize = w + 2;
        var valueEntrySize = 1 + w;
        long headerSize = 2L * w + (isObject ? (long)count * keyEntrySize : 0) + (long)count * valueEntrySize;
        if (headerSize > size)
            throw new BinlogFormatException($"binary JSON {what} at offset {start}: {count} elements do not fit in {size} bytes");

        sb.Append(isObject ? '{' : '[');
        var valueEntries = 2 * w + (isObject ? count * keyEntrySize : 0);
        for (var i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(',');
            if (isObject)
            {
                var ke = 2 * w + i * keyEntrySize;
                var keyOffset = ReadOffsetOrSize(container, ke, large);
                var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(container.Slice(ke + w, 2));
                if (keyOffset > size || keyLength > size - keyOffset)
                    throw new BinlogFormatException($"binary JSON object at offset {start}: key {i} ({keyOffset}+{keyLength}) is outside the object's {size} bytes");
                JsonText.AppendString(sb, Encoding.UTF8.GetString(container.Slice(keyOffset, keyLength)));
                sb.Append(':');
            }
            var ve = valueEntries + i * valueEntrySize;
            var t = container[ve];
            if (IsInlined(t, large))
            {
                WriteInlined(sb, t, container.Slice(ve + 1, w), start + ve + 1);
            }
            else
            {
                var valueOffset = ReadOffsetOrSize(container, ve + 1, large);
                if (valueOffset >= size)
                    throw new BinlogFormatException($"binary JSON {what} at offset {start}: value {i} offset {valueOffset} is outside the container's {size} bytes");
                WriteValue(sb, doc[..(start + size)], t, start + valueOffset, depth + 1);
            }
        }
        sb.Append(isObject ? '}' : ']');
    }

    private static bool IsInlined(byte type, bool large) =>
        type is Literal or Int16 or UInt16 || (large && type is Int32 or UInt32);

    private static void WriteInlined(StringBuilder sb, byte type, ReadOnlySpan<byte> field, int offset)
    {
        switch (type)
        {
            case Literal: WriteLiteral(sb, field[0], offset); break;
            case Int16: sb.Append(BinaryPrimitives.ReadInt16LittleEndian(field).ToString(CultureInfo.InvariantCulture)); break;
            case UInt16: sb.Append(BinaryPrimitives.ReadUInt16LittleEndian(field).ToString(CultureInfo.InvariantCulture)); break;
            case Int32: sb.Append(BinaryPrimitives.ReadInt32LittleEndian(field).ToString(CultureInfo.InvariantCulture)); break;
            default: sb.Append(BinaryPrimitives.ReadUInt32LittleEndian(field).ToString(CultureInfo.InvariantCulture)); break;
        }
    }

    private static void WriteLiteral(StringBuilder sb, byte b, int offset)
    {
        sb.Append(b switch
        {
            0 => "null",
            1 => "true",
            2 => "false",
            _ => throw new BinlogFormatException($"invalid binary JSON literal {b} at offset {offset}"),
        });
    }

    private static void WriteOpaque(StringBuilder sb, ReadOnlySpan<byte> doc, int offset)
    {
        var fieldType = Slice(doc, offset, 1, "opaque type")[0];
        var pos = offset + 1;
        var length = ReadVariableLength(doc, ref pos);
        if (length > doc.Length - pos)
            throw new BinlogFormatException($"opaque JSON field value length {length} exceeds available bytes ({doc.Length - pos}) at offset {pos}");
        var payload = doc.Slice(pos, length);
        switch ((ColumnType)fieldType)
        {
            case ColumnType.NewDecimal:
            {
                if (payload.Length < 2)
                    throw new BinlogFormatException($"opaque decimal length {length} is too short at offset {pos}");
                var precision = payload[0];
                var scale = payload[1];
                var dec = MySqlDecimal.Decode(payload[2..], precision, scale, pos + 2);
                JsonText.AppendString(sb, dec.Text);
                break;
            }
            case ColumnType.Date:
            case ColumnType.NewDate:
            case ColumnType.DateTime:
            case ColumnType.DateTime2:
            case ColumnType.Timestamp:
            case ColumnType.Timestamp2:
            case ColumnType.Time:
            case ColumnType.Time2:
            {
                var kind = (ColumnType)fieldType switch
                {
                    ColumnType.Date or ColumnType.NewDate => "date",
                    ColumnType.Time or ColumnType.Time2 => "time",
                    _ => "datetime",
                };
                if (payload.Length < 8)
                    throw new BinlogFormatException($"opaque {kind} length {length} is too short at offset {pos} (8 bytes expected)");
                var packed = BinaryPrimitives.ReadInt64LittleEndian(payload);
                JsonText.AppendString(sb, kind switch
                {
                    "date" => FormatPackedDate(packed),
                    "time" => FormatPackedTime(packed),
                    _ => FormatPackedDateTime(packed),
                });
                break;
            }
            default:
                JsonText.AppendString(sb, "base64:type" + fieldType.ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToBase64String(payload));
                break;
        }
    }

    /// <summary>MySQL's packed DATETIME integer: ((year*13+month)&lt;&lt;5|day)&lt;&lt;17 | hh&lt;&lt;12|mm&lt;&lt;6|ss, shifted left 24, plus microseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static MySqlDateTime UnpackDateTime(long packed, int fsp)
    {
        var magnitude = Magnitude(packed);
        var micro = (int)(magnitude % (1UL << 24));
        var ymdhms = magnitude >> 24;
        var ymd = ymdhms >> 17;
        var ym = ymd >> 5;
        var hms = ymdhms % (1UL << 17);
        return new MySqlDateTime((int)(ym / 13), (int)(ym % 13), (int)(ymd % 32), (int)(hms >> 12), (int)((hms >> 6) % 64), (int)(hms % 64), micro, fsp);
    }

    /// <summary>MySQL's packed TIME integer: (hh&lt;&lt;12|mm&lt;&lt;6|ss)&lt;&lt;24 plus microseconds, negated for negative times.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static MySqlTime UnpackTime(long packed, int fsp)
    {
        var magnitude = Magnitude(packed);
        var micro = (int)(magnitude % (1UL << 24));
        var hms = magnitude >> 24;
        return new MySqlTime(packed < 0, (int)((hms >> 12) % 1024), (int)((hms >> 6) % 64), (int)(hms % 64), micro, fsp);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong Magnitude(long v) => v < 0 ? unchecked((ulong)(-(v + 1)) + 1) : (ulong)v;

    private static string FormatPackedDate(long packed)
    {
        var dt = UnpackDateTime(packed, 0);
        return MySqlDate.Format(dt.Year, dt.Month, dt.Day);
    }

    private static string FormatPackedDateTime(long packed)
    {
        var dt = UnpackDateTime(packed, 6);
        var sb = new StringBuilder(26);
        sb.Append(MySqlDate.Format(dt.Year, dt.Month, dt.Day));
        sb.Append(CultureInfo.InvariantCulture, $" {dt.Hour:D2}:{dt.Minute:D2}:{dt.Second:D2}");
        MySqlDateTime.AppendFraction(sb, dt.Microsecond, 6);
        return sb.ToString();
    }

    private static string FormatPackedTime(long packed) => UnpackTime(packed, 6).ToString();

    /// <summary>
    /// The variable-length integer used for string and opaque lengths: 7 bits per byte, least significant group
    /// first, high bit set on every byte but the last; at most 5 bytes.
    /// </summary>
    internal static int ReadVariableLength(ReadOnlySpan<byte> doc, ref int pos)
    {
        var start = pos;
        long value = 0;
        for (var i = 0; i < 5; i++)
        {
            if (pos >= doc.Length) throw new BinlogFormatException($"truncated binary JSON length at offset {start}");
            var b = doc[pos++];
            value |= (long)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (value > int.MaxValue) throw new BinlogFormatException($"binary JSON length {value} at offset {start} is too large");
                return (int)value;
            }
        }
        throw new BinlogFormatException($"binary JSON length at offset {start} is longer than 5 bytes");
    }

    private static int ReadOffsetOrSize(ReadOnlySpan<byte> s, int at, bool large)
    {
        if (!large) return BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(at, 2));
        var v = BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at, 4));
        if (v > int.MaxValue) throw new BinlogFormatException($"binary JSON offset/size {v} is too large");
        return (int)v;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> doc, int offset, int length, string what = "value")
    {
        if (offset < 0 || length < 0 || offset > doc.Length - length)
            throw new BinlogFormatException($"truncated binary JSON {what}: wanted {length} byte(s) at offset {offset}, {Math.Max(0, doc.Length - offset)} available");
        return doc.Slice(offset, length);
    }
}
