using Sluice.Replication.Mapping;

namespace Sluice.Replication.Destinations.DuckDb;

/// <summary>
/// DuckDB physical types for destination types. BIGDECIMAL(p,s) is DECIMAL(p,s) up to DuckDB's maximum precision 38;
/// wider decimals (MySQL allows 65) are VARCHAR holding the exact MySQL text (e.g. <c>-12.500000000000000000000000000001</c>),
/// since a DOUBLE would lose digits. JSON uses DuckDB's JSON type (the json extension is built into the bundled library).
/// </summary>
public static class DuckDbTypes
{
    public const int MaxDecimalPrecision = 38;

    public static string Physical(DestinationType type) => type.Kind switch
    {
        DestinationTypeKind.Boolean => "BOOLEAN",
        DestinationTypeKind.Integer => "INTEGER",
        DestinationTypeKind.Long => "BIGINT",
        DestinationTypeKind.BigDecimal when type.Precision <= MaxDecimalPrecision && type.Precision > 0 =>
            $"DECIMAL({type.Precision},{Math.Clamp(type.Scale, 0, type.Precision)})",
        DestinationTypeKind.BigDecimal => "VARCHAR",
        DestinationTypeKind.Double => "DOUBLE",
        DestinationTypeKind.String => "VARCHAR",
        DestinationTypeKind.Binary => "BLOB",
        DestinationTypeKind.Date => "DATE",
        DestinationTypeKind.TimestampNtz => "TIMESTAMP",
        DestinationTypeKind.Timestamp => "TIMESTAMPTZ",
        DestinationTypeKind.Json => "JSON",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown destination type"),
    };

    /// <summary>Decimals up to this precision are held by System.Decimal exactly and appended as such.</summary>
    public const int MaxNativeDecimalPrecision = 28;

    /// <summary>A BIGDECIMAL stored as a DuckDB DECIMAL that the appender fills from a System.Decimal.</summary>
    internal static bool IsNativeDecimal(DestinationType type) =>
        type.Kind == DestinationTypeKind.BigDecimal && type.Precision > 0 && type.Precision <= MaxNativeDecimalPrecision;

    /// <summary>
    /// The staging (appender) type: decimals wider than System.Decimal and JSON are staged as text and TIMESTAMPTZ as
    /// TIMESTAMP (UTC wall clock), then cast by the merge statement; everything else is staged as its physical type.
    /// </summary>
    internal static string Staging(DestinationType type) => type.Kind switch
    {
        DestinationTypeKind.BigDecimal when !IsNativeDecimal(type) => "VARCHAR",
        DestinationTypeKind.Json => "VARCHAR",
        DestinationTypeKind.Timestamp => "TIMESTAMP",
        _ => Physical(type),
    };

    /// <summary>Whether the appender writes canonical values of the type straight into its physical column.</summary>
    internal static bool AppendsDirectly(DestinationType type) => type.Kind switch
    {
        // DECIMAL(29..38) may hold values only their text carries; JSON is filled through a cast.
        DestinationTypeKind.BigDecimal => IsNativeDecimal(type) || Physical(type) == "VARCHAR",
        DestinationTypeKind.Json => false,
        _ => true,
    };
}
