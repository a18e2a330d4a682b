using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Sluice.Binlog.Events;
using Sluice.Binlog.Values;
using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;
using BinlogGeometry = Sluice.Binlog.Values.MySqlGeometry;
using BinlogDecimal = Sluice.Binlog.Values.MySqlDecimal;
using BinlogDateTime = Sluice.Binlog.Values.MySqlDateTime;
using ReplicationGeoJson = Sluice.Binlog.Values.GeoJson;

namespace Sluice.Replication.Changes;

/// <summary>
/// Converts binlog row images of one table into canonical destination rows (<see cref="CanonicalValues"/>): the same
/// .NET types and values <see cref="ValueNormalizer"/> produces when the snapshot reads the same data.
/// <para>
/// Binlog columns are matched to source columns by ordinal position (<see cref="SourceColumn.Ordinal"/>); skipped,
/// blocked and hidden (not visible to the replication user) columns are ignored. Before converting, the TABLE_MAP is
/// checked against the mapping (<see cref="CheckShape"/>): that every mapped ordinal exists, types, signedness, DECIMAL precision/scale, BIT width, fractional-second digits, ENUM/SET member
/// counts and, when the server logs them (binlog_row_metadata=FULL), column names. A mismatch throws
/// <see cref="TableShapeChanged"/>.
/// </para>
/// <para>
/// Values: unparsable DATE/DATETIME/TIMESTAMP become null, or the epoch in primary key columns; TIME becomes
/// <c>[-]HH:MM:SS[.f]</c> with the column's digits; ENUM its label and SET a JSON array of labels (the binlog's labels,
/// or the mapping's by index when the binlog carries none); BIT(1) and TINYINT(1)-as-BOOLEAN
/// become bool (a TINYINT(1) value other than 0/1 throws <see cref="BooleanColumnViolation"/>); unsigned integers
/// keep their value even when the server did not log signedness; GEOMETRY becomes GeoJSON.
/// </para>
/// Instances cache the last validated TABLE_MAP and are not thread-safe.
/// </summary>
public sealed class BinlogRowConverter
{
    private readonly DestinationColumn[] _columns;
    private readonly int[] _binlogIndexes;
    private readonly int _minimumColumnCount;
    private TableMapEvent? _validated;

    /// <param name="mapping">The table's mapping (from <see cref="TypeMapper.MapTable"/>).</param>
    /// <param name="sourceColumnCount">
    /// The number of columns the source table has, blocked columns included, when known. The binlog must carry at
    /// least this many and at least up to the highest <see cref="SourceColumn.Ordinal"/>; it may carry more (columns
    /// hidden from the replication user by column-level grants, which information_schema does not show).
    /// </param>
    public BinlogRowConverter(TableMapping mapping, int? sourceColumnCount = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        Mapping = mapping;
        _columns = [.. mapping.Destination.Columns];
        _binlogIndexes = new int[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            var source = _columns[i].Source
                ?? throw new ArgumentException($"table {Table}: destination column {_columns[i].Name} has no source column", nameof(mapping));
            _binlogIndexes[i] = source.Ordinal - 1;
        }
        var maxOrdinal = mapping.Source.Columns.Count == 0 ? 0 : mapping.Source.Columns.Max(c => c.Ordinal);
        if (sourceColumnCount is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceColumnCount), $"table {Table}: {sourceColumnCount} columns");
        }
        // A count below the highest ordinal comes from information_schema when columns are hidden from the user:
        // the ordinals are the truth.
        _minimumColumnCount = Math.Max(sourceColumnCount ?? 0, maxOrdinal);
    }

    public TableMapping Mapping { get; }

    public TableId Table => Mapping.Destination.Id;

    /// <summary>Whether <paramref name="tableMap"/> describes this converter's table (same schema and name).</summary>
    public bool IsFor(TableMapEvent tableMap) =>
        tableMap is not null && tableMap.Schema == Table.Schema && tableMap.Table == Table.Name;

    /// <summary>Converts a rows event into row changes (empty for MySQL's table-less dummy event).</summary>
    public static IReadOnlyList<RowChange> ToRowChanges(TableMapping mapping, RowsEvent rows) =>
        new BinlogRowConverter(mapping).ToRowChanges(rows);

    /// <summary>
    /// As <see cref="ToRowChanges(RowsEvent)"/>, each change stamped with the event's timestamp and a sequence number
    /// counting from <paramref name="firstSequence"/> (the caller's running count within its batch).
    /// </summary>
    public IReadOnlyList<RowChange> ToStampedRowChanges(RowsEvent rows, long firstSequence)
    {
        var changes = ToRowChanges(rows);
        if (changes.Count == 0) return changes;
        var time = DateTimeOffset.FromUnixTimeSeconds(rows.Header.Timestamp);
        var stamped = new RowChange[changes.Count];
        for (var i = 0; i < stamped.Length; i++) stamped[i] = changes[i] with { EventTime = time, Sequence = firstSequence + i };
        return stamped;
    }

    /// <summary>
    /// Converts a rows event: inserts become <see cref="RowChange.Upsert"/>, updates <see cref="RowChange.Update"/>
    /// (before, after), deletes <see cref="RowChange.Delete"/> with the full row — or <see cref="RowChange.DeleteByKey"/>
    /// when the before image holds only the primary key (binlog_row_image=MINIMAL).
    /// </summary>
    public IReadOnlyList<RowChange> ToRowChanges(RowsEvent rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Table is not { } map) return [];
        switch (rows)
        {
            case WriteRowsEvent write:
            {
                var result = new RowChange[write.Rows.Count];
                for (var i = 0; i < result.Length; i++) result[i] = RowChange.Upsert(Convert(map, write.Rows[i]));
                return result;
            }
            case UpdateRowsEvent update:
            {
                var result = new RowChange[update.Rows.Count];
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = RowChange.Update(Convert(map, update.Rows[i].Before), Convert(map, update.Rows[i].After));
                }
                return result;
            }
            case DeleteRowsEvent delete:
            {
                var result = new RowChange[delete.Rows.Count];
                for (var i = 0; i < result.Length; i++) result[i] = ConvertDelete(map, delete.Rows[i]);
                return result;
            }
            default:
                throw new ArgumentException($"unsupported rows event {rows.GetType().Name}", nameof(rows));
        }
    }

    private RowChange ConvertDelete(TableMapEvent map, RowImage image)
    {
        CheckShape(map);
        var complete = true;
        for (var i = 0; i < _columns.Length && complete; i++) complete = image.IsPresent(_binlogIndexes[i]);
        if (complete || !Mapping.Destination.HasPrimaryKey) return RowChange.Delete(Convert(map, image));

        var keyRow = new object?[_columns.Length];
        foreach (var i in Mapping.Destination.PrimaryKeyIndexes) keyRow[i] = ConvertColumn(map, image, i);
        return RowChange.DeleteByKey(keyRow);
    }

    /// <summary>Converts one row image into a canonical row aligned with the destination columns.</summary>
    /// <exception cref="TableShapeChanged">The TABLE_MAP does not match the mapping.</exception>
    /// <exception cref="BooleanColumnViolation">A TINYINT(1) BOOLEAN column holds a value other than 0 or 1.</exception>
    /// <exception cref="IncompleteRowImage">A destination column is absent from the image.</exception>
    /// <exception cref="FormatException">A value does not fit its destination type (the message names the column).</exception>
    public object?[] Convert(TableMapEvent tableMap, RowImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckShape(tableMap);
        var row = new object?[_columns.Length];
        for (var i = 0; i < row.Length; i++) row[i] = ConvertColumn(tableMap, image, i);
        return row;
    }

    private object? ConvertColumn(TableMapEvent map, RowImage image, int i)
    {
        var column = _columns[i];
        var index = _binlogIndexes[i];
        if (!image.TryGetValue(index, out var raw)) throw new IncompleteRowImage(Table, column.Name);
        if (raw is PartialJsonValue) throw new IncompleteRowImage(Table, column.Name);
        return ConvertValue(raw, column, map.Columns[index]);
    }

    /// <summary>Throws <see cref="TableShapeChanged"/> when <paramref name="tableMap"/> does not match the mapping.</summary>
    public void CheckShape(TableMapEvent tableMap)
    {
        ArgumentNullException.ThrowIfNull(tableMap);
        if (ReferenceEquals(tableMap, _validated)) return;
        if (!IsFor(tableMap))
        {
            throw new ArgumentException($"the TABLE_MAP is for {tableMap.Schema}.{tableMap.Table}, not {Table}", nameof(tableMap));
        }
        if (DescribeMismatch(tableMap) is { } reason) throw new TableShapeChanged(Table, reason);
        _validated = tableMap;
    }

    /// <summary>Why <paramref name="tableMap"/> does not match the mapping, or null when it does.</summary>
    public string? DescribeMismatch(TableMapEvent tableMap)
    {
        ArgumentNullException.ThrowIfNull(tableMap);
        // More binlog columns than mapped ones are columns the user cannot see (column-level grants): they are
        // ignored, since every column is matched by its ordinal. A column added by DDL is caught by the DDL itself.
        if (tableMap.ColumnCount < _minimumColumnCount)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"the binlog has {tableMap.ColumnCount} columns, the mapping expects at least {_minimumColumnCount}");
        }
        var names = tableMap.OptionalMetadata.ColumnNames;
        foreach (var mapping in Mapping.Columns)
        {
            var source = mapping.Source;
            var info = tableMap.Columns[source.Ordinal - 1];
            if (names is not null && source.Ordinal - 1 < names.Count
                && !string.Equals(names[source.Ordinal - 1], source.Name, StringComparison.OrdinalIgnoreCase))
            {
                return $"column {source.Ordinal} is named {names[source.Ordinal - 1]} in the binlog, {source.Name} in the mapping";
            }
            if (mapping.IsSkipped) continue;
            if (DescribeColumnMismatch(source, info, tableMap.OptionalMetadata.Signedness is not null) is { } why)
            {
                return $"column {source.Name} ({source.ColumnType}): {why}";
            }
        }
        return null;
    }

    private static string? DescribeColumnMismatch(SourceColumn source, ColumnInfo info, bool signednessLogged)
    {
        var type = info.Type;
        if (!IsCompatible(source, type)) return $"the binlog type is {type}";
        if (signednessLogged && IsNumericType(type) && info.IsUnsigned != source.IsUnsigned)
        {
            return info.IsUnsigned ? "the binlog says unsigned" : "the binlog says signed";
        }
        switch (type)
        {
            case ColumnType.NewDecimal:
            {
                int precision = info.Metadata >> 8, scale = info.Metadata & 0xFF;
                if (precision != source.NumericPrecision || scale != (source.NumericScale ?? 0))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"the binlog has DECIMAL({precision},{scale})");
                }
                break;
            }
            case ColumnType.Bit:
            {
                var bits = (info.Metadata >> 8) * 8 + (info.Metadata & 0xFF);
                if (bits != TypeMapper.BitWidth(source)) return string.Create(CultureInfo.InvariantCulture, $"the binlog has BIT({bits})");
                break;
            }
            case ColumnType.Time2 or ColumnType.DateTime2 or ColumnType.Timestamp2:
                if (info.Metadata != source.DateTimePrecision)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"the binlog has {info.Metadata} fractional digits");
                }
                break;
            case ColumnType.Enum when info.EnumValues is { } values && values.Count != source.Labels.Count:
            case ColumnType.Set when info.SetValues is { } setValues && setValues.Count != source.Labels.Count:
                return string.Create(CultureInfo.InvariantCulture,
                    $"the binlog lists {(info.EnumValues ?? info.SetValues)!.Count} members, the mapping {source.Labels.Count}");
        }
        return null;
    }

    private static bool IsNumericType(ColumnType t) => t is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24
        or ColumnType.Long or ColumnType.LongLong or ColumnType.Float or ColumnType.Double or ColumnType.NewDecimal;

    private const ColumnType MariaDbBlobCompressed = (ColumnType)140, MariaDbVarCharCompressed = (ColumnType)141;

    private static bool IsBlob(ColumnType t) =>
        t is ColumnType.TinyBlob or ColumnType.Blob or ColumnType.MediumBlob or ColumnType.LongBlob or MariaDbBlobCompressed;

    private static bool IsVarChar(ColumnType t) => t is ColumnType.VarChar or ColumnType.VarString or MariaDbVarCharCompressed;

    /// <summary>Whether a binlog column type can carry values of the source column's type.</summary>
    private static bool IsCompatible(SourceColumn source, ColumnType t) => source.DataType switch
    {
        "tinyint" => t == ColumnType.Tiny,
        "smallint" => t == ColumnType.Short,
        "mediumint" => t == ColumnType.Int24,
        "int" or "integer" => t == ColumnType.Long,
        "bigint" => t == ColumnType.LongLong,
        "year" => t == ColumnType.Year,
        "bit" => t == ColumnType.Bit,
        "decimal" or "numeric" or "fixed" => t == ColumnType.NewDecimal,
        "float" => t == ColumnType.Float,
        "double" or "real" or "double precision" => t == ColumnType.Double,
        "char" or "binary" => t == ColumnType.String,
        "varchar" or "varbinary" => IsVarChar(t),
        "tinytext" or "text" or "mediumtext" or "longtext" or "tinyblob" or "blob" or "mediumblob" or "longblob" => IsBlob(t),
        "enum" => t == ColumnType.Enum,
        "set" => t == ColumnType.Set,
        "date" => t is ColumnType.Date or ColumnType.NewDate,
        "datetime" => t is ColumnType.DateTime or ColumnType.DateTime2,
        "timestamp" => t is ColumnType.Timestamp or ColumnType.Timestamp2,
        "time" => t is ColumnType.Time or ColumnType.Time2,
        "json" => t == ColumnType.Json || IsBlob(t),
        "geometry" or "point" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon"
            or "geometrycollection" or "geomcollection" => t == ColumnType.Geometry,
        _ => true,
    };

    private object? ConvertValue(object? raw, DestinationColumn column, ColumnInfo info)
    {
        if (raw is null) return null;
        var source = column.Source!;
        try
        {
            return column.Type.Kind switch
            {
                DestinationTypeKind.Boolean => ToBoolean(raw, column) ? True : False,
                // A decoded signed integer is already the canonical boxed long: no new box.
                DestinationTypeKind.Integer or DestinationTypeKind.Long when raw is long l && (l >= 0 || !source.IsUnsigned) => raw,
                DestinationTypeKind.Integer or DestinationTypeKind.Long => ToLong(raw, source, info),
                DestinationTypeKind.BigDecimal => ToBigDecimal(raw, source, info),
                DestinationTypeKind.Double => ToDouble(raw),
                DestinationTypeKind.String => ToText(raw, source),
                DestinationTypeKind.Binary => ToBinary(raw, source),
                DestinationTypeKind.Date => raw is MySqlDate date
                    ? date.TryToDateOnly(out var d) ? (object?)d : Unparsable(column)
                    : throw Unexpected(raw),
                DestinationTypeKind.TimestampNtz => raw is BinlogDateTime dateTime
                    ? dateTime.TryToDateTime(out var dt) ? (object?)DateTime.SpecifyKind(dt, DateTimeKind.Unspecified) : Unparsable(column)
                    : throw Unexpected(raw),
                DestinationTypeKind.Timestamp => raw is MySqlTimestamp timestamp
                    ? timestamp.TryToDateTimeOffset(out var dto) ? (object?)DateTime.SpecifyKind(dto.UtcDateTime, DateTimeKind.Utc) : Unparsable(column)
                    : throw Unexpected(raw),
                DestinationTypeKind.Json => ToJson(raw, source),
                _ => throw new FormatException($"unknown destination type {column.Type}"),
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or OverflowException or FormatException or ArgumentException
                                       or DecoderFallbackException or Sluice.Binlog.BinlogFormatException)
        {
            throw new FormatException(
                $"table {Table}, column {column.Name} ({source.ColumnType}): cannot convert binlog {raw.GetType().Name} value to {column.Type}: {ex.Message}", ex);
        }
    }

    private static InvalidCastException Unexpected(object raw) => new($"a binlog {raw.GetType().Name} value was not expected");

    private static object? Unparsable(DestinationColumn column)
    {
        if (column.PrimaryKeyOrdinal == 0) return null;
        return column.Type.Kind switch
        {
            DestinationTypeKind.Date => CanonicalValues.EpochDate,
            DestinationTypeKind.TimestampNtz => CanonicalValues.EpochNtz,
            _ => CanonicalValues.EpochUtc,
        };
    }

    private static readonly object True = true;
    private static readonly object False = false;

    private bool ToBoolean(object raw, DestinationColumn column) => raw switch
    {
        MySqlBit bit => bit.Value != 0,
        long l => l switch
        {
            0 => false,
            1 => true,
            _ => throw new BooleanColumnViolation(Table, column.Name, l),
        },
        ulong u => u switch
        {
            0 => false,
            1 => true,
            _ => throw new BooleanColumnViolation(Table, column.Name, u),
        },
        bool b => b,
        _ => throw Unexpected(raw),
    };

    private static long ToLong(object raw, SourceColumn source, ColumnInfo info) => raw switch
    {
        long l when l < 0 && source.IsUnsigned => checked((long)AsUnsigned(l, info.Type)),
        long l => l,
        ulong u => checked((long)u),
        int year => year,
        _ => throw Unexpected(raw),
    };

    private static object ToBigDecimal(object raw, SourceColumn source, ColumnInfo info) => raw switch
    {
        BinlogDecimal d => CanonicalValues.BigDecimal(d.Text),
        ulong u => (decimal)u,
        long l when l < 0 && source.IsUnsigned => (decimal)AsUnsigned(l, info.Type),
        long l => (decimal)l,
        _ => throw Unexpected(raw),
    };

    /// <summary>A signed integer decoded without signedness metadata, read back as the unsigned value it stores.</summary>
    private static ulong AsUnsigned(long value, ColumnType type)
    {
        var bits = type switch
        {
            ColumnType.Tiny => 8,
            ColumnType.Short => 16,
            ColumnType.Int24 => 24,
            ColumnType.Long => 32,
            _ => 64,
        };
        return bits == 64 ? unchecked((ulong)value) : unchecked((ulong)value) & ((1UL << bits) - 1);
    }

    private static double ToDouble(object raw) => raw switch
    {
        double d => d,
        // Through the shortest round-trip text, as the snapshot does: FLOAT 1.1 is 1.1, not 1.100000023841858.
        float f => double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        _ => throw Unexpected(raw),
    };

    private static string ToText(object raw, SourceColumn source) => raw switch
    {
        string s => s,
        MySqlTime time => ValueNormalizer.FormatTime(time.ToTimeSpan(), source.DateTimePrecision),
        MySqlEnum e => EnumLabel(e, source),
        byte[] bytes => Decode(bytes, source),
        _ => throw Unexpected(raw),
    };

    /// <summary>
    /// The label the binlog carries (binlog_row_metadata=FULL; decoded with the column's charset), else the mapping's
    /// label at the index (information_schema's COLUMN_TYPE: characters outside the BMP read as '?' there).
    /// </summary>
    private static string EnumLabel(MySqlEnum value, SourceColumn source)
    {
        if (value.Index == 0) return "";
        if (value.Label is { } label) return label;
        if (value.Index <= source.Labels.Count) return source.Labels[value.Index - 1];
        throw new FormatException(string.Create(CultureInfo.InvariantCulture,
            $"ENUM index {value.Index} is beyond the column's {source.Labels.Count} labels"));
    }

    /// <summary>The members the binlog names (FULL metadata), else the mapping's labels of the set bits.</summary>
    private static IReadOnlyList<string> SetLabels(MySqlSet value, SourceColumn source)
    {
        if (value.Labels is { } logged) return logged;
        var labels = new List<string>();
        for (var bit = 0; bit < 64; bit++)
        {
            if ((value.Bits & (1UL << bit)) == 0) continue;
            if (bit >= source.Labels.Count)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"SET bit {bit} is beyond the column's {source.Labels.Count} labels"));
            }
            labels.Add(source.Labels[bit]);
        }
        return labels;
    }

    /// <summary>Text the binlog left as bytes (its collation was not logged): decoded with the column's charset.</summary>
    private static string Decode(byte[] bytes, SourceColumn source)
    {
        var encoding = source.CharacterSet is { } charset
            ? EncodingsByCharset.GetOrAdd(charset, static name =>
                name.Equals("binary", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : Charsets.GetEncodingByCharsetName(name)
                    ?? throw new FormatException($"the character set {name} is not supported: convert the column to utf8mb4"))
            : Encoding.UTF8;
        return encoding.GetString(bytes);
    }

    // Per charset name, without the lookup's trimming and lower-casing on every cell.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Encoding> EncodingsByCharset =
        new(StringComparer.OrdinalIgnoreCase);

    private static byte[] ToBinary(object raw, SourceColumn source) => raw switch
    {
        byte[] bytes when source.DataType == "binary" && source.DisplayWidth is { } length && bytes.Length < length => Pad(bytes, length),
        byte[] bytes => bytes,
        MySqlBit bit => ValueNormalizer.BitBytes(bit.Value, TypeMapper.BitWidth(source)),
        _ => throw Unexpected(raw),
    };

    /// <summary>
    /// BINARY(n) as the column stores it: the binlog drops the trailing 0x00 padding, and puts it back itself only when
    /// it logged the binary collation.
    /// </summary>
    private static byte[] Pad(byte[] bytes, int length)
    {
        var padded = new byte[length];
        bytes.CopyTo(padded, 0);
        return padded;
    }

    private static string ToJson(object raw, SourceColumn source) => raw switch
    {
        MySqlSet set => ValueNormalizer.SetToJson(string.Join(',', SetLabels(set, source))),
        MySqlJson json => json.Text,
        BinlogGeometry geometry => GeometryToGeoJson(geometry),
        string text => text,
        byte[] bytes => Decode(bytes, source),
        _ => throw Unexpected(raw),
    };

    private static string GeometryToGeoJson(BinlogGeometry geometry)
    {
        // The snapshot reads MySQL's internal form (4-byte little-endian SRID + WKB): convert exactly that.
        var value = new byte[4 + geometry.Wkb.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(value, geometry.Srid);
        geometry.Wkb.CopyTo(value, 4);
        return ReplicationGeoJson.FromMySqlGeometry(value);
    }
}
