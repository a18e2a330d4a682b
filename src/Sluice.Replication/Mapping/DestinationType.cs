namespace Sluice.Replication.Mapping;

/// <summary>The destination-neutral data types (the type table is in docs/spec-coverage.md).</summary>
public enum DestinationTypeKind
{
    Boolean,
    /// <summary>32-bit signed integer.</summary>
    Integer,
    /// <summary>64-bit signed integer.</summary>
    Long,
    /// <summary>Exact decimal with <see cref="DestinationType.Precision"/> and <see cref="DestinationType.Scale"/>.</summary>
    BigDecimal,
    Double,
    String,
    Binary,
    Date,
    /// <summary>Timestamp without time zone (MySQL DATETIME).</summary>
    TimestampNtz,
    /// <summary>Instant in UTC (MySQL TIMESTAMP).</summary>
    Timestamp,
    Json,
}

/// <summary>A destination-neutral column type; Precision/Scale only matter for <see cref="DestinationTypeKind.BigDecimal"/>.</summary>
public readonly record struct DestinationType(DestinationTypeKind Kind, int Precision = 0, int Scale = 0)
{
    public static DestinationType Boolean => new(DestinationTypeKind.Boolean);
    public static DestinationType Integer => new(DestinationTypeKind.Integer);
    public static DestinationType Long => new(DestinationTypeKind.Long);
    public static DestinationType Double => new(DestinationTypeKind.Double);
    public static DestinationType String => new(DestinationTypeKind.String);
    public static DestinationType Binary => new(DestinationTypeKind.Binary);
    public static DestinationType Date => new(DestinationTypeKind.Date);
    public static DestinationType TimestampNtz => new(DestinationTypeKind.TimestampNtz);
    public static DestinationType Timestamp => new(DestinationTypeKind.Timestamp);
    public static DestinationType Json => new(DestinationTypeKind.Json);
    public static DestinationType BigDecimal(int precision, int scale) => new(DestinationTypeKind.BigDecimal, precision, scale);

    public override string ToString() => Kind switch
    {
        DestinationTypeKind.BigDecimal => $"BIGDECIMAL({Precision},{Scale})",
        DestinationTypeKind.TimestampNtz => "TIMESTAMP_NTZ",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}
