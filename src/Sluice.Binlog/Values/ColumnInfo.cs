namespace Sluice.Binlog.Values;

/// <summary>
/// Everything needed to decode one column's cells: the binlog type and metadata from TABLE_MAP, refined by the
/// optional metadata (or, when the server sends none, by the live schema).
/// </summary>
/// <param name="Index">0-based ordinal in the table.</param>
/// <param name="Type">
/// The real type. For MYSQL_TYPE_STRING the TABLE_MAP metadata may say the real type is ENUM or SET; the decoder that
/// builds this record resolves that, so <see cref="Type"/> is Enum/Set there and <see cref="Metadata"/> the pack length.
/// </param>
/// <param name="Metadata">
/// The per-column metadata from TABLE_MAP (0 when the type has none), packed as documented on
/// <see cref="ColumnMetadata"/> (read it with <see cref="ColumnMetadata.Read"/>): NEWDECIMAL precision &lt;&lt; 8 | scale,
/// BIT bytes &lt;&lt; 8 | bits % 8, STRING resolved by <see cref="ColumnMetadata.ResolveStringType(ColumnType, ushort)"/>.
/// </param>
/// <param name="IsUnsigned">From SIGNEDNESS metadata (or the live schema); false when unknown.</param>
/// <param name="CollationId">From COLUMN_CHARSET/DEFAULT_CHARSET metadata; 63 (binary) for binary columns; null when unknown.</param>
public sealed record ColumnInfo(
    int Index,
    ColumnType Type,
    ushort Metadata,
    bool IsNullable = true,
    bool IsUnsigned = false,
    int? CollationId = null,
    string? Name = null,
    IReadOnlyList<string>? EnumValues = null,
    IReadOnlyList<string>? SetValues = null,
    int? GeometryType = null,
    bool IsPrimaryKey = false,
    bool IsVisible = true,
    int? VectorDimensions = null)
{
    /// <summary>The name to show: the real one, or <c>@N</c> (1-based) when the binlog carries none.</summary>
    public string DisplayName => Name ?? "@" + (Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
