using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Mapping;

namespace Sluice.Replication.Values;

/// <summary>
/// Converts values read by MySqlConnector (with <see cref="SourceConnections"/>' options) into the canonical model
/// described on <see cref="CanonicalValues"/>.
/// <para>
/// Unparsable values: a zero or otherwise invalid DATE, DATETIME or TIMESTAMP becomes null, or the epoch
/// (1970-01-01, 1970-01-01T00:00:00, 1970-01-01T00:00:00Z) when the column is part of the primary key.
/// </para>
/// </summary>
public static class ValueNormalizer
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The SELECT that reads a table's destination columns in order (for <see cref="ReadRow"/>).</summary>
    public static string SelectSql(DestinationTable table) =>
        "SELECT " + SelectList(table) + " FROM " + table.Id.QuotedForMySql;

    /// <summary>The destination columns as a SELECT list, in order (what <see cref="ReadRow"/> reads).</summary>
    public static string SelectList(DestinationTable table) => string.Join(", ", table.Columns.Select(SelectExpression));

    /// <summary>
    /// How a column is read: by name, except FLOAT, read as <c>col + 0E0</c> because the text protocol prints a FLOAT
    /// with 6 significant digits only (3.4028235E+38 comes back as 3.40282E+38, another float) while the binlog carries
    /// all its bits.
    /// </summary>
    public static string SelectExpression(DestinationColumn column)
    {
        var name = Discovery.MySqlIdentifier.Quote(column.Name);
        return IsFloat(column) ? $"({name} + 0E0) AS {name}" : name;
    }

    private static bool IsFloat(DestinationColumn column) =>
        string.Equals(column.Source?.DataType, "float", StringComparison.OrdinalIgnoreCase);

    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly ConditionalWeakTable<DestinationTable, ReadPlan[]> Plans = new();

    /// <summary>How <see cref="ReadRow"/> reads a column: typed getters where the source type allows, else <see cref="Normalize"/>.</summary>
    internal enum ReadPlan : byte
    {
        Generic,
        /// <summary>Signed/unsigned integer types up to INT (and signed BIGINT) into INTEGER/LONG: GetInt64.</summary>
        Int64,
        /// <summary>TINYINT(1) into BOOLEAN: GetInt64 != 0.</summary>
        BooleanFromInteger,
        /// <summary>DECIMAL/NUMERIC of precision up to 28 (System.Decimal holds it exactly, scale kept): GetDecimal.</summary>
        Decimal,
        /// <summary>DATE/DATETIME/TIMESTAMP: GetMySqlDateTime (zero and invalid dates handled as in <see cref="Normalize"/>).</summary>
        Temporal,
    }

    /// <summary>Whether <see cref="ReadRow"/> reads the column with a typed getter, and which.</summary>
    internal static ReadPlan PlanOf(DestinationColumn column)
    {
        var source = column.Source;
        if (source is null) return ReadPlan.Generic;
        var integer = source.DataType is "tinyint" or "smallint" or "mediumint" or "int" or "integer"
            || (source.DataType == "bigint" && !source.IsUnsigned);
        return column.Type.Kind switch
        {
            DestinationTypeKind.Integer or DestinationTypeKind.Long when integer => ReadPlan.Int64,
            DestinationTypeKind.Boolean when integer => ReadPlan.BooleanFromInteger,
            DestinationTypeKind.BigDecimal when source.DataType is "decimal" or "numeric"
                && column.Type.Precision is > 0 and <= 28 => ReadPlan.Decimal,
            DestinationTypeKind.Date or DestinationTypeKind.TimestampNtz or DestinationTypeKind.Timestamp
                when source.DataType is "date" or "datetime" or "timestamp" => ReadPlan.Temporal,
            _ => ReadPlan.Generic,
        };
    }

    private static ReadPlan[] PlanFor(DestinationTable table) => table.Columns.Select(PlanOf).ToArray();

    /// <summary>Reads the current row of a reader over <see cref="SelectSql"/> into canonical values.</summary>
    public static object?[] ReadRow(MySqlDataReader reader, DestinationTable table)
    {
        var plan = Plans.GetValue(table, PlanFor);
        var columns = table.Columns;
        var row = new object?[columns.Count];
        for (var i = 0; i < row.Length; i++)
        {
            if (reader.IsDBNull(i))
            {
                row[i] = Normalize(null, columns[i]);
                continue;
            }
            try
            {
                row[i] = plan[i] switch
                {
                    ReadPlan.Int64 => reader.GetInt64(i),
                    ReadPlan.BooleanFromInteger => reader.GetInt64(i) != 0 ? True : False,
                    ReadPlan.Decimal => reader.GetDecimal(i),
                    ReadPlan.Temporal => NormalizeTemporal(reader.GetMySqlDateTime(i), columns[i]),
                    _ => ReadGeneric(reader, i, columns[i]),
                };
            }
            catch (Exception ex) when (ex is InvalidCastException or OverflowException or FormatException && plan[i] != ReadPlan.Generic)
            {
                // The general path converts what it can and names the column in its error.
                row[i] = ReadGeneric(reader, i, columns[i]);
            }
        }
        return row;
    }

    private static object? ReadGeneric(MySqlDataReader reader, int i, DestinationColumn column)
    {
        // DECIMAL(65,30) overflows System.Decimal: read the exact text.
        object raw = column.Type.Kind == DestinationTypeKind.BigDecimal && column.Source?.DataType is "decimal" or "numeric"
            ? reader.GetMySqlDecimal(i)
            : reader.GetValue(i);
        return raw is string text && column.Type.Kind == DestinationTypeKind.String ? text : Normalize(raw, column);
    }

    private static object? NormalizeTemporal(MySqlDateTime m, DestinationColumn column) =>
        NormalizeTemporal(m.Year, m.Month, m.Day, m.Hour, m.Minute, m.Second, m.Microsecond, column);

    /// <summary>
    /// A DATE/DATETIME/TIMESTAMP given by its parts (as read, zero dates included) as the canonical value of
    /// <paramref name="column"/>: what <see cref="ReadRow"/> makes of it.
    /// </summary>
    internal static object? NormalizeTemporal(int year, int month, int day, int hour, int minute, int second, int microsecond,
        DestinationColumn column)
    {
        var value = FromParts(year, month, day, hour, minute, second, microsecond);
        if (value is null)
        {
            // An unparsable value is the epoch in a key column, else NULL.
            if (column.PrimaryKeyOrdinal == 0) return null;
            return column.Type.Kind switch
            {
                DestinationTypeKind.Date => CanonicalValues.EpochDate,
                DestinationTypeKind.TimestampNtz => CanonicalValues.EpochNtz,
                _ => CanonicalValues.EpochUtc,
            };
        }
        var v = value.Value;
        return column.Type.Kind switch
        {
            DestinationTypeKind.Date => DateOnly.FromDateTime(v),
            DestinationTypeKind.TimestampNtz => v,
            _ => DateTime.SpecifyKind(v, DateTimeKind.Utc),
        };
    }

    /// <summary>Converts one source value for a column; throws <see cref="FormatException"/> naming the column when the value does not fit.</summary>
    public static object? Normalize(object? raw, DestinationColumn column)
    {
        if (raw is DBNull) raw = null;
        try
        {
            return column.Type.Kind switch
            {
                DestinationTypeKind.Date or DestinationTypeKind.TimestampNtz or DestinationTypeKind.Timestamp =>
                    NormalizeTemporal(raw, column),
                _ when raw is null => null,
                DestinationTypeKind.Boolean => ToBoolean(raw),
                DestinationTypeKind.Integer or DestinationTypeKind.Long => ToLong(raw),
                DestinationTypeKind.BigDecimal => ToBigDecimal(raw),
                DestinationTypeKind.Double => IsFloat(column) && raw is double wide ? ToDouble((float)wide) : ToDouble(raw),
                DestinationTypeKind.String => ToText(raw, column),
                DestinationTypeKind.Binary => ToBinary(raw, column),
                DestinationTypeKind.Json => ToJson(raw, column),
                _ => throw new FormatException($"unknown destination type {column.Type}"),
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or OverflowException or FormatException or ArgumentException)
        {
            throw new FormatException(
                $"column {column.Name} ({column.Source?.ColumnType ?? column.Type.ToString()}): cannot convert {raw?.GetType().Name} value to {column.Type}: {ex.Message}", ex);
        }
    }

    private static bool ToBoolean(object raw) => raw switch
    {
        bool b => b,
        byte[] bytes => bytes.AsSpan().ContainsAnyExcept((byte)0),
        _ => Convert.ToDecimal(raw, CultureInfo.InvariantCulture) != 0,
    };

    private static long ToLong(object raw) => raw switch
    {
        long l => l,
        ulong u => checked((long)u),
        bool b => b ? 1 : 0,
        _ => Convert.ToInt64(raw, CultureInfo.InvariantCulture),
    };

    private static object ToBigDecimal(object raw) => raw switch
    {
        MySqlDecimal d => CanonicalValues.BigDecimal(d.ToString()),
        decimal d => d,
        ulong u => (decimal)u,
        long l => (decimal)l,
        string s => CanonicalValues.BigDecimal(s),
        _ => Convert.ToDecimal(raw, CultureInfo.InvariantCulture),
    };

    private static double ToDouble(object raw) => raw switch
    {
        double d => d,
        // Through the shortest round-trip text, so FLOAT 1.1 is 1.1 and not 1.100000023841858.
        float f => double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        _ => Convert.ToDouble(raw, CultureInfo.InvariantCulture),
    };

    private static string ToText(object raw, DestinationColumn column) => raw switch
    {
        string s => s,
        TimeSpan time => FormatTime(time, column.Source?.DateTimePrecision ?? 6),
        Guid g => g.ToString(),
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => Convert.ToString(raw, CultureInfo.InvariantCulture) ?? "",
    };

    private static byte[] ToBinary(object raw, DestinationColumn column) => raw switch
    {
        byte[] bytes => bytes,
        ulong bits => BitBytes(bits, column.Source is { } s ? TypeMapper.BitWidth(s) : 64),
        Guid g => g.ToByteArray(),
        string s => Encoding.UTF8.GetBytes(s),
        _ => throw new InvalidCastException($"{raw.GetType().Name} is not binary"),
    };

    private static string ToJson(object raw, DestinationColumn column)
    {
        var dataType = column.Source?.DataType;
        if (dataType == "set") return SetToJson(raw as string ?? Convert.ToString(raw, CultureInfo.InvariantCulture) ?? "");
        return raw switch
        {
            byte[] geometry => Sluice.Binlog.Values.GeoJson.FromMySqlGeometry(geometry),
            MySqlGeometry geometry => Sluice.Binlog.Values.GeoJson.FromMySqlGeometry(geometry.Value),
            string json => json,
            _ => throw new InvalidCastException($"{raw.GetType().Name} is not JSON"),
        };
    }

    /// <summary>A SET value (<c>a,b</c>) as a JSON array of labels (<c>["a","b"]</c>; the empty set is <c>[]</c>).</summary>
    public static string SetToJson(string value) =>
        JsonSerializer.Serialize(value.Length == 0 ? [] : value.Split(','), JsonOptions);

    /// <summary>
    /// TIME as <c>[-]HH:MM:SS[.ffffff]</c>: hours may exceed 24 (up to 838) and are at least two digits; the fraction
    /// has exactly <paramref name="fractionalDigits"/> digits (none when 0).
    /// </summary>
    public static string FormatTime(TimeSpan time, int fractionalDigits)
    {
        var negative = time < TimeSpan.Zero;
        var ticks = negative ? -time.Ticks : time.Ticks;
        var totalSeconds = ticks / TimeSpan.TicksPerSecond;
        var micros = ticks % TimeSpan.TicksPerSecond / 10;
        var sb = new StringBuilder(24);
        if (negative) sb.Append('-');
        sb.Append((totalSeconds / 3600).ToString("00", CultureInfo.InvariantCulture)).Append(':')
          .Append((totalSeconds / 60 % 60).ToString("00", CultureInfo.InvariantCulture)).Append(':')
          .Append((totalSeconds % 60).ToString("00", CultureInfo.InvariantCulture));
        fractionalDigits = Math.Clamp(fractionalDigits, 0, 6);
        if (fractionalDigits > 0)
        {
            sb.Append('.').Append(micros.ToString("000000", CultureInfo.InvariantCulture).AsSpan(0, fractionalDigits));
        }
        return sb.ToString();
    }

    /// <summary>A BIT(n) value as ceil(n/8) big-endian bytes.</summary>
    public static byte[] BitBytes(ulong bits, int width)
    {
        var length = Math.Clamp((width + 7) / 8, 1, 8);
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)bits;
            bits >>= 8;
        }
        return bytes;
    }

    private static object? NormalizeTemporal(object? raw, DestinationColumn column)
    {
        var kind = column.Type.Kind;
        DateTime? value = raw switch
        {
            null => null,
            MySqlDateTime m => FromParts(m.Year, m.Month, m.Day, m.Hour, m.Minute, m.Second, m.Microsecond),
            DateTime dt => dt,
            DateOnly d => d.ToDateTime(TimeOnly.MinValue),
            DateTimeOffset dto => dto.UtcDateTime,
            _ => throw new InvalidCastException($"{raw.GetType().Name} is not a date/time"),
        };

        if (value is null)
        {
            // NULL stays NULL; an unparsable value is the epoch in a key column, else NULL.
            if (raw is null || column.PrimaryKeyOrdinal == 0) return null;
            return kind switch
            {
                DestinationTypeKind.Date => CanonicalValues.EpochDate,
                DestinationTypeKind.TimestampNtz => CanonicalValues.EpochNtz,
                _ => CanonicalValues.EpochUtc,
            };
        }

        var v = value.Value;
        return kind switch
        {
            DestinationTypeKind.Date => DateOnly.FromDateTime(v),
            DestinationTypeKind.TimestampNtz => DateTime.SpecifyKind(v, DateTimeKind.Unspecified),
            _ => DateTime.SpecifyKind(v, DateTimeKind.Utc),
        };
    }

    /// <summary>A DateTime from MySQL parts, or null when they are not a real date (zero date, month 0, Feb 30, ...).</summary>
    private static DateTime? FromParts(int year, int month, int day, int hour, int minute, int second, int microsecond)
    {
        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59 || microsecond is < 0 or > 999_999)
        {
            return null;
        }
        return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(microsecond * 10L);
    }
}
