using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Events;

/// <summary>
/// TABLE_MAP_EVENT (19): binds a table id to a table's column types for the rows events that follow.
/// <see cref="Columns"/> combines the binlog types, metadata, NULL bitmap and the optional metadata
/// (binlog_row_metadata=MINIMAL/FULL, MySQL 8.0.1+ / MariaDB 10.5+) into one <see cref="ColumnInfo"/> per column.
/// </summary>
/// <param name="ColumnTypes">The types as written (MYSQL_TYPE_STRING for CHAR/ENUM/SET).</param>
/// <param name="ColumnMetadata">
/// Per-column metadata as packed into <see cref="ColumnInfo.Metadata"/> before ENUM/SET resolution — 1-byte metadata
/// as is; VARCHAR/VAR_STRING the 2-byte max length (LE); NEWDECIMAL <c>(precision &lt;&lt; 8) | scale</c>;
/// BIT the two bytes little-endian, i.e. <c>(bytes &lt;&lt; 8) | bits_mod_8</c>;
/// STRING/ENUM/SET <c>(byte0 &lt;&lt; 8) | byte1</c> = (real type, length) as written.
/// </param>
public sealed record TableMapEvent(
    EventHeader Header,
    ulong TableId,
    ushort Flags,
    string Schema,
    string Table,
    IReadOnlyList<ColumnType> ColumnTypes,
    IReadOnlyList<ushort> ColumnMetadata,
    IReadOnlyList<bool> Nullable,
    TableMapOptionalMetadata OptionalMetadata,
    IReadOnlyList<ColumnInfo> Columns) : BinlogEvent(Header)
{
    public int ColumnCount => ColumnTypes.Count;

    internal static TableMapEvent Read(EventHeader header, ReadOnlySpan<byte> body, int tableIdSize, BinlogFlavor flavor, in EventContext ctx)
    {
        var r = new SpanReader(body);
        var tableId = tableIdSize == 4 ? r.ReadUInt32() : r.ReadUInt48();
        var flags = r.ReadUInt16();
        var schema = r.ReadString(r.ReadByte());
        if (r.ReadByte() != 0) throw ctx.Error("schema name is not NUL-terminated");
        var table = r.ReadString(r.ReadByte());
        if (r.ReadByte() != 0) throw ctx.Error("table name is not NUL-terminated");
        var count = r.ReadLengthEncodedInteger();
        if (count > 4096 || count > (ulong)r.Remaining) throw ctx.Error($"column count {count} is not plausible");
        var n = (int)count;
        var typeBytes = r.ReadBytes(n);
        var types = new ColumnType[n];
        for (var i = 0; i < n; i++) types[i] = (ColumnType)typeBytes[i];

        var metaLength = checked((int)r.ReadLengthEncodedInteger());
        var metaReader = new SpanReader(r.ReadBytes(metaLength));
        var metadata = new ushort[n];
        for (var i = 0; i < n; i++) metadata[i] = ReadColumnMetadata(ref metaReader, types[i], i, ctx);
        if (!metaReader.IsAtEnd) throw ctx.Error($"column metadata block has {metaReader.Remaining} unused byte(s)");

        var nullable = BinlogBits.ToBoolsLsb(r.ReadBytes(BinlogBits.Bytes(n)), n);

        var realTypes = new ColumnType[n];
        var realMeta = new ushort[n];
        for (var i = 0; i < n; i++) (realTypes[i], realMeta[i]) = ResolveType(types[i], metadata[i], i, ctx);

        var optional = TableMapOptionalMetadata.Read(ref r, realTypes, flavor, ctx);
        var columns = BuildColumns(realTypes, realMeta, nullable, optional, flavor);
        return new TableMapEvent(header, tableId, flags, schema, table, types, metadata, nullable, optional, columns);
    }

    private static ushort ReadColumnMetadata(ref SpanReader r, ColumnType type, int index, in EventContext ctx)
    {
        switch (type)
        {
            case ColumnType.Float:
            case ColumnType.Double:
            case ColumnType.Blob:
            case ColumnType.TinyBlob:
            case ColumnType.MediumBlob:
            case ColumnType.LongBlob:
            case ColumnType.Geometry:
            case ColumnType.Json:
            case ColumnType.Vector:
            case ColumnType.Timestamp2:
            case ColumnType.DateTime2:
            case ColumnType.Time2:
            case MariaDbBlobCompressed:
                return r.ReadByte();
            case ColumnType.VarChar:
            case ColumnType.VarString:
            case MariaDbVarCharCompressed:
                return r.ReadUInt16();
            case ColumnType.Bit:
                return r.ReadUInt16();
            case ColumnType.NewDecimal:
            case ColumnType.String:
            case ColumnType.Enum:
            case ColumnType.Set:
            {
                var b0 = r.ReadByte();
                var b1 = r.ReadByte();
                return (ushort)((b0 << 8) | b1);
            }
            case ColumnType.TypedArray:
                throw ctx.Error($"column {index + 1} has type TYPED_ARRAY (20), which is not supported");
            default:
                return 0;
        }
    }

    /// <summary>MariaDB 10.3+ compressed column types (MYSQL_TYPE_BLOB_COMPRESSED, MYSQL_TYPE_VARCHAR_COMPRESSED).</summary>
    internal const ColumnType MariaDbBlobCompressed = (ColumnType)140, MariaDbVarCharCompressed = (ColumnType)141;

    /// <summary>
    /// MYSQL_TYPE_STRING carries the real type (ENUM/SET/STRING) in its metadata; resolved by
    /// <see cref="Values.ColumnMetadata.ResolveStringType(ColumnType, ushort)"/> into (ENUM/SET, pack length) or
    /// (STRING, max byte length).
    /// </summary>
    private static (ColumnType, ushort) ResolveType(ColumnType type, ushort metadata, int index, in EventContext ctx)
    {
        try
        {
            return Values.ColumnMetadata.ResolveStringType(type, metadata);
        }
        catch (BinlogFormatException e)
        {
            throw ctx.Error($"column {index + 1}: {e.Message}", e);
        }
    }

    internal static bool IsNumeric(ColumnType t) => t is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24
        or ColumnType.Long or ColumnType.LongLong or ColumnType.Float or ColumnType.Double or ColumnType.NewDecimal
        or ColumnType.Decimal or ColumnType.Year;

    internal static bool IsCharacter(ColumnType t, BinlogFlavor flavor) => t is ColumnType.String or ColumnType.VarString
        or ColumnType.VarChar or ColumnType.Blob or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob
        or MariaDbBlobCompressed or MariaDbVarCharCompressed
        || (flavor == BinlogFlavor.MariaDb && t == ColumnType.Geometry);

    internal static bool IsEnumOrSet(ColumnType t) => t is ColumnType.Enum or ColumnType.Set;

    private static ColumnInfo[] BuildColumns(ColumnType[] types, ushort[] metadata, bool[] nullable,
        TableMapOptionalMetadata m, BinlogFlavor flavor)
    {
        var n = types.Length;
        var columns = new ColumnInfo[n];
        var pk = new HashSet<int>();
        if (m.SimplePrimaryKey is { } spk) pk.UnionWith(spk);
        if (m.PrimaryKeyWithPrefix is { } ppk) pk.UnionWith(ppk.Select(p => p.ColumnIndex));
        int numeric = 0, character = 0, enumSet = 0, enums = 0, sets = 0, geometry = 0, vector = 0;
        for (var i = 0; i < n; i++)
        {
            var t = types[i];
            bool unsigned = false;
            int? collation = null;
            IReadOnlyList<string>? enumValues = null, setValues = null;
            int? geometryType = null, dimensions = null;
            if (IsNumeric(t))
            {
                if (m.Signedness is { } s && numeric < s.Count) unsigned = s[numeric];
                numeric++;
            }
            else if (IsCharacter(t, flavor))
            {
                collation = m.CollationOfCharacterColumn(character++);
            }
            else if (IsEnumOrSet(t))
            {
                collation = m.CollationOfEnumOrSetColumn(enumSet++);
                if (t == ColumnType.Enum)
                {
                    if (m.EnumStrValues is { } ev && enums < ev.Count) enumValues = ev[enums];
                    enums++;
                }
                else
                {
                    if (m.SetStrValues is { } sv && sets < sv.Count) setValues = sv[sets];
                    sets++;
                }
            }
            if (t == ColumnType.Geometry)
            {
                if (m.GeometryTypes is { } g && geometry < g.Count) geometryType = g[geometry];
                geometry++;
            }
            if (t == ColumnType.Vector)
            {
                if (m.VectorDimensionality is { } vd && vector < vd.Count) dimensions = vd[vector];
                vector++;
            }
            columns[i] = new ColumnInfo(
                Index: i,
                Type: t,
                Metadata: metadata[i],
                IsNullable: nullable[i],
                IsUnsigned: unsigned,
                CollationId: collation,
                Name: m.ColumnNames is { } names && i < names.Count ? names[i] : null,
                EnumValues: enumValues,
                SetValues: setValues,
                GeometryType: geometryType,
                IsPrimaryKey: pk.Contains(i),
                IsVisible: m.ColumnVisibility is not { } vis || i >= vis.Count || vis[i],
                VectorDimensions: dimensions);
        }
        return columns;
    }
}

/// <summary>A primary key column from SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX (prefix 0 = whole column).</summary>
public readonly record struct PrimaryKeyColumn(int ColumnIndex, int PrefixLength);

/// <summary>DEFAULT_CHARSET-style metadata: a default collation and exceptions keyed by ordinal among the columns concerned.</summary>
public sealed record DefaultCharsetMetadata(int DefaultCollation, IReadOnlyDictionary<int, int> Exceptions)
{
    public int CollationOf(int ordinal) => Exceptions.TryGetValue(ordinal, out var c) ? c : DefaultCollation;
}

/// <summary>
/// The optional metadata fields of a TABLE_MAP, each null when the server did not send it. Lists indexed "per
/// numeric/character/ENUM-SET/... column" follow the order of those columns in the table.
/// </summary>
public sealed record TableMapOptionalMetadata
{
    private const byte SignednessType = 1, DefaultCharsetType = 2, ColumnCharsetType = 3, ColumnNameType = 4,
        SetStrValueType = 5, EnumStrValueType = 6, GeometryTypeType = 7, SimplePrimaryKeyType = 8,
        PrimaryKeyWithPrefixType = 9, EnumAndSetDefaultCharsetType = 10, EnumAndSetColumnCharsetType = 11,
        ColumnVisibilityType = 12, VectorDimensionalityType = 13;

    /// <summary>Unsigned flag per numeric column (SIGNEDNESS).</summary>
    public IReadOnlyList<bool>? Signedness { get; init; }
    public DefaultCharsetMetadata? DefaultCharset { get; init; }

    /// <summary>Collation per character column (COLUMN_CHARSET).</summary>
    public IReadOnlyList<int>? ColumnCharsets { get; init; }
    public IReadOnlyList<string>? ColumnNames { get; init; }

    /// <summary>Member strings per SET column.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? SetStrValues { get; init; }

    /// <summary>Member strings per ENUM column.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? EnumStrValues { get; init; }

    /// <summary>Geometry type per GEOMETRY column (0 GEOMETRY, 1 POINT, ... 7 GEOMETRYCOLLECTION).</summary>
    public IReadOnlyList<int>? GeometryTypes { get; init; }
    public IReadOnlyList<int>? SimplePrimaryKey { get; init; }
    public IReadOnlyList<PrimaryKeyColumn>? PrimaryKeyWithPrefix { get; init; }
    public DefaultCharsetMetadata? EnumAndSetDefaultCharset { get; init; }

    /// <summary>Collation per ENUM/SET column (ENUM_AND_SET_COLUMN_CHARSET).</summary>
    public IReadOnlyList<int>? EnumAndSetColumnCharsets { get; init; }

    /// <summary>Visible flag per column (COLUMN_VISIBILITY).</summary>
    public IReadOnlyList<bool>? ColumnVisibility { get; init; }

    /// <summary>Dimensions per VECTOR column.</summary>
    public IReadOnlyList<int>? VectorDimensionality { get; init; }

    /// <summary>Fields of types this decoder does not know: (type, raw value).</summary>
    public IReadOnlyList<(byte Type, byte[] Value)> Unknown { get; init; } = [];

    /// <summary>The primary key columns in key order, from whichever PK field was sent; null when none.</summary>
    public IReadOnlyList<PrimaryKeyColumn>? PrimaryKey =>
        PrimaryKeyWithPrefix ?? SimplePrimaryKey?.Select(c => new PrimaryKeyColumn(c, 0)).ToArray();

    internal int? CollationOfCharacterColumn(int ordinal) =>
        ColumnCharsets is { } cc ? (ordinal < cc.Count ? cc[ordinal] : null) : DefaultCharset?.CollationOf(ordinal);

    internal int? CollationOfEnumOrSetColumn(int ordinal) =>
        EnumAndSetColumnCharsets is { } cc ? (ordinal < cc.Count ? cc[ordinal] : null) : EnumAndSetDefaultCharset?.CollationOf(ordinal);

    internal static TableMapOptionalMetadata Read(ref SpanReader r, ColumnType[] types, BinlogFlavor flavor, in EventContext ctx)
    {
        var m = new TableMapOptionalMetadata();
        var unknown = new List<(byte, byte[])>();
        var numericCount = types.Count(TableMapEvent.IsNumeric);
        List<byte[][]>? rawSets = null, rawEnums = null;
        while (!r.IsAtEnd)
        {
            var type = r.ReadByte();
            var length = checked((int)r.ReadLengthEncodedInteger());
            var value = r.ReadBytes(length);
            var v = new SpanReader(value);
            try
            {
                switch (type)
                {
                    case SignednessType:
                        m = m with { Signedness = MsbBools(value, numericCount) };
                        break;
                    case DefaultCharsetType:
                        m = m with { DefaultCharset = ReadDefaultCharset(ref v) };
                        break;
                    case ColumnCharsetType:
                        m = m with { ColumnCharsets = ReadIntList(ref v) };
                        break;
                    case ColumnNameType:
                    {
                        var names = new List<string>();
                        while (!v.IsAtEnd) names.Add(v.ReadLengthEncodedString());
                        m = m with { ColumnNames = names };
                        break;
                    }
                    case SetStrValueType:
                        rawSets = ReadByteLists(ref v);
                        break;
                    case EnumStrValueType:
                        rawEnums = ReadByteLists(ref v);
                        break;
                    case GeometryTypeType:
                        m = m with { GeometryTypes = ReadIntList(ref v) };
                        break;
                    case SimplePrimaryKeyType:
                        m = m with { SimplePrimaryKey = ReadIntList(ref v) };
                        break;
                    case PrimaryKeyWithPrefixType:
                    {
                        var list = new List<PrimaryKeyColumn>();
                        while (!v.IsAtEnd) list.Add(new PrimaryKeyColumn(ReadInt(ref v), ReadInt(ref v)));
                        m = m with { PrimaryKeyWithPrefix = list };
                        break;
                    }
                    case EnumAndSetDefaultCharsetType:
                        m = m with { EnumAndSetDefaultCharset = ReadDefaultCharset(ref v) };
                        break;
                    case EnumAndSetColumnCharsetType:
                        m = m with { EnumAndSetColumnCharsets = ReadIntList(ref v) };
                        break;
                    case ColumnVisibilityType:
                        m = m with { ColumnVisibility = MsbBools(value, types.Length) };
                        break;
                    case VectorDimensionalityType:
                        m = m with { VectorDimensionality = ReadIntList(ref v) };
                        break;
                    default:
                        unknown.Add((type, value.ToArray()));
                        break;
                }
            }
            catch (BinlogFormatException e)
            {
                throw ctx.Error($"malformed optional metadata field {type}: {e.Message}", e);
            }
        }
        if (rawSets is not null || rawEnums is not null) m = DecodeEnumAndSetValues(m, types, rawEnums, rawSets);
        return unknown.Count == 0 ? m : m with { Unknown = unknown };
    }

    /// <summary>
    /// ENUM/SET member strings are written in the column's character set: decode each list with the column's
    /// collation (ENUM_AND_SET_*_CHARSET, which may come after the strings), UTF-8 when it is unknown.
    /// </summary>
    private static TableMapOptionalMetadata DecodeEnumAndSetValues(TableMapOptionalMetadata m, ColumnType[] types,
        List<byte[][]>? rawEnums, List<byte[][]>? rawSets)
    {
        var enums = new List<IReadOnlyList<string>>();
        var sets = new List<IReadOnlyList<string>>();
        var enumSet = 0;
        foreach (var type in types)
        {
            if (!TableMapEvent.IsEnumOrSet(type)) continue;
            var collation = m.CollationOfEnumOrSetColumn(enumSet++);
            var (raw, decoded) = type == ColumnType.Enum ? (rawEnums, enums) : (rawSets, sets);
            if (raw is null || decoded.Count >= raw.Count) continue;
            var encoding = collation is { } id && Charsets.TryGetEncoding(id, out var e) ? e : System.Text.Encoding.UTF8;
            decoded.Add(Array.ConvertAll(raw[decoded.Count], b => encoding.GetString(b)));
        }
        // Lists beyond the ENUM/SET columns the types announce (malformed, but keep them readable) stay UTF-8.
        if (rawEnums is not null) for (var i = enums.Count; i < rawEnums.Count; i++) enums.Add(Array.ConvertAll(rawEnums[i], b => System.Text.Encoding.UTF8.GetString(b)));
        if (rawSets is not null) for (var i = sets.Count; i < rawSets.Count; i++) sets.Add(Array.ConvertAll(rawSets[i], b => System.Text.Encoding.UTF8.GetString(b)));
        return m with { EnumStrValues = rawEnums is null ? null : enums, SetStrValues = rawSets is null ? null : sets };
    }

    private static bool[] MsbBools(ReadOnlySpan<byte> bitmap, int count)
    {
        var n = Math.Min(count, bitmap.Length * 8);
        var result = new bool[n];
        for (var i = 0; i < n; i++) result[i] = BinlogBits.Msb(bitmap, i);
        return result;
    }

    private static int ReadInt(ref SpanReader v) => checked((int)v.ReadLengthEncodedInteger());

    private static List<int> ReadIntList(ref SpanReader v)
    {
        var list = new List<int>();
        while (!v.IsAtEnd) list.Add(ReadInt(ref v));
        return list;
    }

    private static DefaultCharsetMetadata ReadDefaultCharset(ref SpanReader v)
    {
        var def = ReadInt(ref v);
        var exceptions = new Dictionary<int, int>();
        while (!v.IsAtEnd)
        {
            var ordinal = ReadInt(ref v);
            exceptions[ordinal] = ReadInt(ref v);
        }
        return new DefaultCharsetMetadata(def, exceptions);
    }

    private static List<byte[][]> ReadByteLists(ref SpanReader v)
    {
        var lists = new List<byte[][]>();
        while (!v.IsAtEnd)
        {
            var count = ReadInt(ref v);
            if (count < 0 || count > v.Remaining) throw new BinlogFormatException($"member count {count} exceeds the {v.Remaining} byte(s) left");
            var items = new byte[count][];
            for (var i = 0; i < count; i++) items[i] = v.ReadLengthEncodedBytes().ToArray();
            lists.Add(items);
        }
        return lists;
    }
}
