using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Values;

/// <summary>
/// Decodes one non-NULL cell of a row image (the caller handles the null bitmap). <see cref="ColumnInfo.Metadata"/> is
/// packed as documented on <see cref="ColumnMetadata"/>; in short, NEWDECIMAL is <c>precision &lt;&lt; 8 | scale</c>,
/// BIT is <c>bytes &lt;&lt; 8 | bits % 8</c>, STRING is resolved (or raw <c>real_type &lt;&lt; 8 | length</c>, resolved
/// here on the fly), ENUM/SET the pack length, VARCHAR the max byte length, BLOB/JSON/GEOMETRY/VECTOR the length-prefix
/// size, *2 temporals the fsp.
/// <para>Result per type:</para>
/// <list type="bullet">
/// <item>TINY/SHORT/INT24/LONG/LONGLONG: <see cref="long"/>, or <see cref="ulong"/> when <see cref="ColumnInfo.IsUnsigned"/>.</item>
/// <item>YEAR: <see cref="int"/> (0 stays 0, else 1900 + byte). FLOAT: <see cref="float"/>. DOUBLE: <see cref="double"/>.</item>
/// <item>NEWDECIMAL: <see cref="MySqlDecimal"/>. BIT: <see cref="MySqlBit"/>.</item>
/// <item>DATE/NEWDATE: <see cref="MySqlDate"/>. DATETIME/DATETIME2: <see cref="MySqlDateTime"/>.
/// TIMESTAMP/TIMESTAMP2: <see cref="MySqlTimestamp"/>. TIME/TIME2: <see cref="MySqlTime"/>.</item>
/// <item>CHAR/VARCHAR/VAR_STRING: <see cref="string"/> decoded with the column's charset; <see cref="byte"/>[] for the
/// binary collation (63) and when the collation is unknown (binlog_row_metadata below FULL on MariaDB, or a MySQL 5.7
/// server): the bytes are then the column's own, undecoded, and a BINARY(n) value lacks its trailing 0x00 padding
/// (the caller, which knows the column's charset and length, decodes or pads them).</item>
/// <item>BLOB family (BLOB/TEXT): <see cref="string"/> when the collation is a known text charset; <see cref="byte"/>[] for
/// binary or unknown collation.</item>
/// <item>ENUM: <see cref="MySqlEnum"/>. SET: <see cref="MySqlSet"/>. JSON: <see cref="MySqlJson"/>.
/// GEOMETRY: <see cref="MySqlGeometry"/>. VECTOR: <see cref="float"/>[]. NULL type: null.</item>
/// </list>
/// Malformed bytes and unsupported types throw <see cref="BinlogFormatException"/>; zero or invalid dates never throw.
/// </summary>
public static class CellDecoder
{
    private const long DateTime2IntOffset = 0x80_0000_0000L;
    private const int Time2IntOffset = 0x80_0000;
    private const long Time2Offset6 = 0x8000_0000_0000L;

    // Boxes of the small integers (flags, counters, TINYINT(1)...) are shared rather than allocated per cell.
    private const int SmallSignedMin = -128, SmallCount = 1152;
    private static readonly object[] SmallSigned = CreateBoxes(i => (long)(i + SmallSignedMin));
    private static readonly object[] SmallUnsigned = CreateBoxes(i => (ulong)i);

    private static object[] CreateBoxes(Func<int, object> box)
    {
        var boxes = new object[SmallCount];
        for (var i = 0; i < boxes.Length; i++) boxes[i] = box(i);
        return boxes;
    }

    /// <summary>A boxed <see cref="long"/>, shared for small values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static object Box(long value) =>
        (ulong)(value - SmallSignedMin) < SmallCount ? SmallSigned[value - SmallSignedMin] : value;

    /// <summary>A boxed <see cref="ulong"/>, shared for small values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static object Box(ulong value) => value < SmallCount ? SmallUnsigned[value] : value;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static object? Read(ref SpanReader reader, ColumnInfo column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var start = reader.Offset;
        try
        {
            return ReadCore(ref reader, column);
        }
        catch (BinlogFormatException e) when (!e.Message.StartsWith("column ", StringComparison.Ordinal))
        {
            throw new BinlogFormatException($"column {column.DisplayName} ({column.Type}, metadata 0x{column.Metadata:x4}) at offset {start}: {e.Message}", e);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static object? ReadCore(ref SpanReader reader, ColumnInfo column)
    {
        var meta = column.Metadata;
        switch (column.Type)
        {
            case ColumnType.Tiny:
                return column.IsUnsigned ? Box((ulong)reader.ReadByte()) : Box((long)reader.ReadSByte());
            case ColumnType.Short:
                return column.IsUnsigned ? Box((ulong)reader.ReadUInt16()) : Box((long)reader.ReadInt16());
            case ColumnType.Int24:
                return column.IsUnsigned ? Box((ulong)reader.ReadUInt24()) : Box((long)reader.ReadInt24());
            case ColumnType.Long:
                return column.IsUnsigned ? Box((ulong)reader.ReadUInt32()) : Box((long)reader.ReadInt32());
            case ColumnType.LongLong:
                return column.IsUnsigned ? Box(reader.ReadUInt64()) : Box(reader.ReadInt64());
            case ColumnType.Year:
            {
                var b = reader.ReadByte();
                return b == 0 ? 0 : 1900 + b; // int
            }
            case ColumnType.Float:
                return meta == 8 ? reader.ReadDouble() : (object)reader.ReadSingle();
            case ColumnType.Double:
                return reader.ReadDouble();
            case ColumnType.NewDecimal:
                return MySqlDecimal.Read(ref reader, meta >> 8, meta & 0xFF);
            case ColumnType.Decimal:
                throw new BinlogFormatException("the pre-5.0 DECIMAL type (0) is not supported");
            case ColumnType.Bit:
                return ReadBit(ref reader, meta);
            case ColumnType.Date:
            case ColumnType.NewDate:
            {
                var v = reader.ReadUInt24();
                return new MySqlDate((int)(v >> 9), (int)((v >> 5) & 0x0F), (int)(v & 0x1F));
            }
            case ColumnType.Time:
                return ReadOldTime(ref reader);
            case ColumnType.Time2:
                return ReadTime2(ref reader, Fsp(meta));
            case ColumnType.DateTime:
                return ReadOldDateTime(ref reader);
            case ColumnType.DateTime2:
                return ReadDateTime2(ref reader, Fsp(meta));
            case ColumnType.Timestamp:
                return new MySqlTimestamp(reader.ReadUInt32(), 0, 0);
            case ColumnType.Timestamp2:
            {
                var fsp = Fsp(meta);
                var seconds = (long)reader.ReadUIntBE(4);
                return new MySqlTimestamp(seconds, ReadFraction(ref reader, fsp), fsp);
            }
            case ColumnType.VarChar:
            case ColumnType.VarString:
            {
                var length = meta < 256 ? reader.ReadByte() : reader.ReadUInt16();
                return DecodeText(reader.ReadBytes(length), column);
            }
            case ColumnType.String:
            {
                var (type, resolved) = ColumnMetadata.ResolveStringType(ColumnType.String, meta);
                if (type != ColumnType.String) return ReadCore(ref reader, column with { Type = type, Metadata = resolved });
                var length = resolved < 256 ? reader.ReadByte() : reader.ReadUInt16();
                var bytes = reader.ReadBytes(length);
                if (column.CollationId == Charsets.BinaryCollationId && length < resolved)
                {
                    // BINARY(n): the binlog drops the trailing 0x00 padding the column stores; put it back.
                    var padded = new byte[resolved];
                    bytes.CopyTo(padded);
                    return padded;
                }
                return DecodeText(bytes, column);
            }
            case ColumnType.Enum:
                return ReadEnum(ref reader, column, PackLength(meta, 1, 2, "ENUM"));
            case ColumnType.Set:
                return ReadSet(ref reader, column, PackLength(meta, 1, 8, "SET"));
            case ColumnType.TinyBlob:
            case ColumnType.Blob:
            case ColumnType.MediumBlob:
            case ColumnType.LongBlob:
                return DecodeText(ReadLengthPrefixed(ref reader, BlobPrefixSize(column.Type, meta)), column);
            case ColumnType.Json:
                return JsonBinaryDecoder.Decode(ReadLengthPrefixed(ref reader, PrefixSize(meta, 4, "JSON")));
            case ColumnType.Geometry:
                return ReadGeometry(ReadLengthPrefixed(ref reader, PrefixSize(meta, 4, "GEOMETRY")));
            case ColumnType.Vector:
                return ReadVector(ReadLengthPrefixed(ref reader, PrefixSize(meta, 4, "VECTOR")));
            case ColumnType.Null:
                return null;
            default:
                throw new BinlogFormatException($"column type {column.Type} ({(int)column.Type}) is not supported in row images");
        }
    }

    /// <summary>
    /// Reads a partially updated JSON cell of a PARTIAL_UPDATE_ROWS_EVENT after-image (the column's bit is set in the
    /// partial-JSON bitmap): the length prefix, then the diff list (see <see cref="JsonPartialUpdate"/>). Apply the result
    /// to the before-image with <see cref="JsonPartialUpdate.Apply"/>.
    /// </summary>
    public static IReadOnlyList<JsonDiff> ReadJsonDiff(ref SpanReader reader, ColumnInfo column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Type != ColumnType.Json)
            throw new BinlogFormatException($"column {column.DisplayName} is {column.Type}, not JSON: it cannot carry a partial JSON update");
        return JsonPartialUpdate.ParseDiffs(ReadLengthPrefixed(ref reader, PrefixSize(column.Metadata, 4, "JSON")));
    }

    /// <summary>A little-endian length of <paramref name="prefixSize"/> bytes (1..4), then that many bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<byte> ReadLengthPrefixed(ref SpanReader reader, int prefixSize)
    {
        if (prefixSize is < 1 or > 4) throw new BinlogFormatException($"invalid length-prefix size {prefixSize} (1..4 expected)");
        var length = reader.ReadUIntLE(prefixSize);
        if (length > (ulong)reader.Remaining)
            throw new BinlogFormatException($"value length {length} at offset {reader.Offset - prefixSize} exceeds the {reader.Remaining} byte(s) left");
        return reader.ReadBytes((int)length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MySqlBit ReadBit(ref SpanReader reader, ushort meta)
    {
        var bits = (meta >> 8) * 8 + (meta & 0xFF);
        if (bits is < 1 or > 64 || (meta & 0xFF) > 7)
            throw new BinlogFormatException($"invalid BIT metadata 0x{meta:x4} (expected bytes << 8 | bits % 8 for 1..64 bits)");
        return new MySqlBit(reader.ReadUIntBE((bits + 7) / 8), bits);
    }

    private static MySqlTime ReadOldTime(ref SpanReader reader)
    {
        // 3-byte little-endian signed HHMMSS.
        var v = reader.ReadInt24();
        var negative = v < 0;
        var m = Math.Abs(v);
        return new MySqlTime(negative, m / 10000, m / 100 % 100, m % 100, 0, 0);
    }

    private static MySqlDateTime ReadOldDateTime(ref SpanReader reader)
    {
        // 8-byte little-endian YYYYMMDDhhmmss.
        var v = reader.ReadUInt64();
        var date = v / 1_000_000;
        var time = v % 1_000_000;
        return new MySqlDateTime((int)(date / 10000 % 100000), (int)(date / 100 % 100), (int)(date % 100),
            (int)(time / 10000), (int)(time / 100 % 100), (int)(time % 100), 0, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MySqlDateTime ReadDateTime2(ref SpanReader reader, int fsp)
    {
        // 5 bytes big-endian: 1 sign bit (set = non-negative, i.e. offset 2^39), 17 bits year*13+month, 5 day,
        // 5 hour, 6 minute, 6 second; then the fraction.
        var intPart = (long)reader.ReadUIntBE(5) - DateTime2IntOffset;
        var frac = ReadFraction(ref reader, fsp);
        var packed = (intPart << 24) + frac; // MySQL MY_PACKED_TIME_MAKE
        return JsonBinaryDecoder.UnpackDateTime(packed, fsp);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MySqlTime ReadTime2(ref SpanReader reader, int fsp)
    {
        // 3 bytes big-endian (offset 2^23): 1 sign, 1 unused, 10 bits hour, 6 minute, 6 second; fraction bytes follow.
        // Negative values store the fraction in reverse order (MySQL my_time_packed_from_binary).
        long packed;
        switch (fsp)
        {
            case 0:
                packed = ((long)reader.ReadUIntBE(3) - Time2IntOffset) << 24;
                break;
            case 1:
            case 2:
            {
                var intPart = (long)reader.ReadUIntBE(3) - Time2IntOffset;
                int frac = reader.ReadByte();
                if (intPart < 0 && frac != 0)
                {
                    intPart++;
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10000L;
                break;
            }
            case 3:
            case 4:
            {
                var intPart = (long)reader.ReadUIntBE(3) - Time2IntOffset;
                var frac = (int)reader.ReadUIntBE(2);
                if (intPart < 0 && frac != 0)
                {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100L;
                break;
            }
            default:
                packed = (long)reader.ReadUIntBE(6) - Time2Offset6;
                break;
        }
        return JsonBinaryDecoder.UnpackTime(packed, fsp);
    }

    /// <summary>The fraction of TIME2/DATETIME2/TIMESTAMP2: (fsp+1)/2 big-endian bytes, scaled to microseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ReadFraction(ref SpanReader reader, int fsp) => fsp switch
    {
        0 => 0,
        1 or 2 => reader.ReadByte() * 10000,
        3 or 4 => (int)reader.ReadUIntBE(2) * 100,
        _ => (int)reader.ReadUIntBE(3),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Fsp(ushort meta) =>
        meta <= 6 ? meta : throw new BinlogFormatException($"fractional seconds precision {meta} is out of range 0..6");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MySqlEnum ReadEnum(ref SpanReader reader, ColumnInfo column, int packLength)
    {
        var index = packLength == 1 ? reader.ReadByte() : reader.ReadUInt16();
        string? label = index == 0 ? "" : null;
        if (index > 0 && column.EnumValues is { } values && index <= values.Count) label = values[index - 1];
        return new MySqlEnum(index, label);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MySqlSet ReadSet(ref SpanReader reader, ColumnInfo column, int packLength)
    {
        var bits = reader.ReadUIntLE(packLength);
        List<string>? labels = null;
        if (column.SetValues is { } values)
        {
            labels = [];
            for (var i = 0; i < values.Count && i < 64; i++)
            {
                if ((bits & (1UL << i)) != 0) labels.Add(values[i]);
            }
        }
        return new MySqlSet(bits, labels);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PackLength(ushort meta, int min, int max, string what)
    {
        var n = meta > 0xFF ? meta & 0xFF : meta;
        if (n == 0) n = min;
        return n >= min && n <= max ? n : throw new BinlogFormatException($"invalid {what} pack length {n} (expected {min}..{max})");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BlobPrefixSize(ColumnType type, ushort meta)
    {
        if (meta == 0)
        {
            return type switch
            {
                ColumnType.TinyBlob => 1,
                ColumnType.MediumBlob => 3,
                ColumnType.LongBlob => 4,
                _ => 2,
            };
        }
        return PrefixSize(meta, 2, "BLOB");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PrefixSize(ushort meta, int fallback, string what)
    {
        if (meta == 0) return fallback;
        return meta is >= 1 and <= 4 ? meta : throw new BinlogFormatException($"invalid {what} length-prefix size {meta} (expected 1..4)");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static object DecodeText(ReadOnlySpan<byte> bytes, ColumnInfo column)
    {
        switch (column.CollationId)
        {
            case Charsets.BinaryCollationId:
                return bytes.ToArray();
            case null:
                // Without the collation the charset is unknown: guessing one would destroy latin1/sjis/ucs2/... text.
                return bytes.ToArray();
            default:
                return Charsets.GetEncoding(column.CollationId.Value).GetString(bytes);
        }
    }

    private static MySqlGeometry ReadGeometry(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
            throw new BinlogFormatException($"GEOMETRY value of {value.Length} byte(s) is shorter than its 4-byte SRID");
        return new MySqlGeometry(BinaryPrimitives.ReadUInt32LittleEndian(value), value[4..].ToArray());
    }

    private static float[] ReadVector(ReadOnlySpan<byte> value)
    {
        if (value.Length % 4 != 0)
            throw new BinlogFormatException($"VECTOR value of {value.Length} byte(s) is not a whole number of float32 values");
        var result = new float[value.Length / 4];
        if (BitConverter.IsLittleEndian) value.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        else
        {
            for (var i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(value.Slice(i * 4, 4));
        }
        return result;
    }
}
