using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Replication.Discovery;
using Sluice.Replication.Positions;

namespace Sluice.Replication.Schema;

/// <summary>
/// The persisted form of a <see cref="SchemaHistory"/> (format 1): the base catalog in full, then each version as the
/// difference from the one before (tables defined or changed, tables removed, database defaults when they changed).
/// Positions are <see cref="BinlogPositionText"/>; columns are listed in ordinal order. Property names are stable:
/// rename nothing without a new format number.
/// </summary>
internal static class SchemaHistoryJson
{
    public const int Format = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    public static string Serialize(SchemaHistory history)
    {
        var document = new HistoryDto
        {
            Format = Format,
            Base = new VersionDto
            {
                Position = BinlogPositionText.Format(history.Base.Position),
                ServerDefaults = Pair(history.Base.Catalog.ServerDefaults),
                Dialect = history.Base.Catalog.Dialect.ToString(),
                ExplicitDefaultsForTimestamp = history.Base.Catalog.ExplicitDefaultsForTimestamp ? null : false,
                CharsetDefaultCollations = Sorted(history.Base.Catalog.CharsetDefaultCollations),
                Databases = Databases(history.Base.Catalog),
                Tables = [.. history.Base.Catalog.Tables.Values.OrderBy(t => t.Id.Schema, StringComparer.Ordinal)
                    .ThenBy(t => t.Id.Name, StringComparer.Ordinal).Select(Table)],
            },
        };
        var previous = history.Base.Catalog;
        foreach (var version in history.Versions)
        {
            var catalog = version.Catalog;
            var changed = catalog.Tables.Values
                .Where(t => !previous.Tables.TryGetValue(t.Id, out var before) || !ReferenceEquals(before, t))
                .OrderBy(t => t.Id.Schema, StringComparer.Ordinal).ThenBy(t => t.Id.Name, StringComparer.Ordinal)
                .Select(Table).ToList();
            var removed = previous.Tables.Keys.Where(id => !catalog.Tables.ContainsKey(id))
                .OrderBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal)
                .Select(id => new TableIdDto { Schema = id.Schema, Name = id.Name }).ToList();
            var databasesChanged = !ReferenceEquals(previous.Databases, catalog.Databases);
            document.Versions.Add(new VersionDto
            {
                Position = BinlogPositionText.Format(version.Position),
                Tables = changed,
                Removed = removed.Count > 0 ? removed : null,
                Databases = databasesChanged ? Databases(catalog) : null,
            });
            previous = catalog;
        }
        return JsonSerializer.Serialize(document, Options);
    }

    public static SchemaHistory Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        HistoryDto? document;
        try
        {
            document = JsonSerializer.Deserialize<HistoryDto>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the schema history is not valid JSON: {e.Message}", e);
        }
        if (document is null || document.Base is null) throw new FormatException("the schema history has no base catalog");
        if (document.Format != Format) throw new FormatException($"the schema history has format {document.Format}; this version reads format {Format}");
        var b = document.Base;
        if (!Enum.TryParse<SchemaDialect>(b.Dialect, out var dialect)) throw new FormatException($"unknown schema dialect '{b.Dialect}'");
        var catalog = new SchemaCatalog
        {
            ServerDefaults = Pair(b.ServerDefaults ?? throw new FormatException("the base catalog has no server defaults")),
            Dialect = dialect,
            ExplicitDefaultsForTimestamp = b.ExplicitDefaultsForTimestamp ?? true,
            CharsetDefaultCollations = ImmutableDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, b.CharsetDefaultCollations ?? []),
        };
        catalog = WithDatabases(catalog, b.Databases);
        catalog = catalog with { Tables = catalog.Tables.SetItems(b.Tables.Select(t => KeyValuePair.Create(Id(t), Table(t)))) };
        var baseVersion = new SchemaVersion(BinlogPositionText.Parse(b.Position), catalog);
        var versions = new List<SchemaVersion>();
        foreach (var v in document.Versions)
        {
            if (v.Databases is not null) catalog = WithDatabases(catalog with { Databases = catalog.Databases.Clear() }, v.Databases);
            if (v.Removed is not null) catalog = catalog with { Tables = catalog.Tables.RemoveRange(v.Removed.Select(r => new TableId(r.Schema, r.Name))) };
            catalog = catalog with { Tables = catalog.Tables.SetItems(v.Tables.Select(t => KeyValuePair.Create(Id(t), Table(t)))) };
            versions.Add(new SchemaVersion(BinlogPositionText.Parse(v.Position), catalog));
        }
        return SchemaHistory.Restore(baseVersion, versions);
    }

    private static SchemaCatalog WithDatabases(SchemaCatalog catalog, SortedDictionary<string, PairDto>? databases) =>
        databases is null
            ? catalog
            : catalog with { Databases = catalog.Databases.SetItems(databases.Select(d => KeyValuePair.Create(d.Key, Pair(d.Value)))) };

    private static SortedDictionary<string, PairDto> Databases(SchemaCatalog catalog) =>
        new(catalog.Databases.ToDictionary(d => d.Key, d => Pair(d.Value)), StringComparer.Ordinal);

    private static SortedDictionary<string, string> Sorted(ImmutableDictionary<string, string> map) =>
        new(map.ToDictionary(d => d.Key, d => d.Value), StringComparer.Ordinal);

    private static PairDto Pair(CharsetCollation pair) => new() { Charset = pair.Charset, Collation = pair.Collation };

    private static CharsetCollation Pair(PairDto pair) =>
        new(pair.Charset ?? throw new FormatException("a charset is missing"), pair.Collation ?? throw new FormatException("a collation is missing"));

    private static TableId Id(TableDto t) => new(t.Schema ?? throw new FormatException("a table has no schema"),
        t.Name ?? throw new FormatException("a table has no name"));

    private static TableDto Table(TableSchema table) => new()
    {
        Schema = table.Id.Schema,
        Name = table.Id.Name,
        Engine = table.Table.Engine,
        Defaults = Pair(table.Defaults),
        Columns = [.. table.Columns.Select(c => new ColumnDto
        {
            Name = c.Name,
            Ordinal = c.Ordinal,
            DataType = c.DataType,
            ColumnType = c.ColumnType,
            Nullable = c.IsNullable,
            Charset = c.CharacterSet,
            Collation = c.Collation,
            Precision = c.NumericPrecision,
            Scale = c.NumericScale,
            Fsp = c.DateTimePrecision == 0 ? null : c.DateTimePrecision,
            Labels = c.Labels.Count == 0 ? null : [.. c.Labels],
            KeyOrdinal = c.PrimaryKeyOrdinal == 0 ? null : c.PrimaryKeyOrdinal,
            Json = c.IsJsonAlias ? true : null,
            Extra = c.Extra.Length == 0 ? null : c.Extra,
        })],
    };

    private static TableSchema Table(TableDto t)
    {
        var id = Id(t);
        var columns = t.Columns.Select((c, k) => new SourceColumn(
            Name: c.Name ?? throw new FormatException($"a column of {id} has no name"),
            Ordinal: c.Ordinal ?? k + 1,
            DataType: c.DataType ?? throw new FormatException($"column {id}.{c.Name} has no data type"),
            ColumnType: c.ColumnType ?? throw new FormatException($"column {id}.{c.Name} has no column type"),
            IsNullable: c.Nullable,
            CharacterSet: c.Charset,
            Collation: c.Collation,
            NumericPrecision: c.Precision,
            NumericScale: c.Scale,
            DateTimePrecision: c.Fsp ?? 0,
            Labels: c.Labels is null ? [] : [.. c.Labels],
            PrimaryKeyOrdinal: c.KeyOrdinal ?? 0,
            IsJsonAlias: c.Json ?? false,
            Extra: c.Extra ?? ""));
        // Ordinals are kept as written: a table read with hidden columns has gaps.
        var list = columns.ToList();
        var key = list.Where(c => c.IsPrimaryKey).OrderBy(c => c.PrimaryKeyOrdinal).Select(c => c.Name).ToList();
        return new TableSchema(new SourceTable(id, list, key, 0, 0, t.Engine),
            Pair(t.Defaults ?? throw new FormatException($"table {id} has no defaults")));
    }

    private sealed class HistoryDto
    {
        [JsonPropertyName("format")] public int Format { get; set; }
        [JsonPropertyName("base")] public VersionDto? Base { get; set; }
        [JsonPropertyName("versions")] public List<VersionDto> Versions { get; set; } = [];
    }

    private sealed class VersionDto
    {
        [JsonPropertyName("position")] public string Position { get; set; } = "";
        [JsonPropertyName("serverDefaults")] public PairDto? ServerDefaults { get; set; }
        [JsonPropertyName("dialect")] public string? Dialect { get; set; }
        [JsonPropertyName("explicitDefaultsForTimestamp")] public bool? ExplicitDefaultsForTimestamp { get; set; }
        [JsonPropertyName("charsetDefaultCollations")] public SortedDictionary<string, string>? CharsetDefaultCollations { get; set; }
        [JsonPropertyName("databases")] public SortedDictionary<string, PairDto>? Databases { get; set; }
        [JsonPropertyName("tables")] public List<TableDto> Tables { get; set; } = [];
        [JsonPropertyName("removed")] public List<TableIdDto>? Removed { get; set; }
    }

    private sealed class PairDto
    {
        [JsonPropertyName("charset")] public string? Charset { get; set; }
        [JsonPropertyName("collation")] public string? Collation { get; set; }
    }

    private sealed class TableIdDto
    {
        [JsonPropertyName("schema")] public string Schema { get; set; } = "";
        [JsonPropertyName("name")] public string Name { get; set; } = "";
    }

    private sealed class TableDto
    {
        [JsonPropertyName("schema")] public string? Schema { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("engine")] public string? Engine { get; set; }
        [JsonPropertyName("defaults")] public PairDto? Defaults { get; set; }
        [JsonPropertyName("columns")] public List<ColumnDto> Columns { get; set; } = [];
    }

    private sealed class ColumnDto
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("ordinal")] public int? Ordinal { get; set; }
        [JsonPropertyName("dataType")] public string? DataType { get; set; }
        [JsonPropertyName("columnType")] public string? ColumnType { get; set; }
        [JsonPropertyName("nullable")] public bool Nullable { get; set; }
        [JsonPropertyName("charset")] public string? Charset { get; set; }
        [JsonPropertyName("collation")] public string? Collation { get; set; }
        [JsonPropertyName("precision")] public long? Precision { get; set; }
        [JsonPropertyName("scale")] public long? Scale { get; set; }
        [JsonPropertyName("fsp")] public int? Fsp { get; set; }
        [JsonPropertyName("labels")] public List<string>? Labels { get; set; }
        [JsonPropertyName("keyOrdinal")] public int? KeyOrdinal { get; set; }
        [JsonPropertyName("json")] public bool? Json { get; set; }
        [JsonPropertyName("extra")] public string? Extra { get; set; }
    }
}
