using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;

namespace Sluice.Replication.Verify;

/// <summary>
/// Compares a source table with its DuckDB destination table (as <see cref="DuckDbDestination"/> writes it).
/// <para>
/// The destination is read first into a map key → (row hash, deleted, count); the source is then streamed in one
/// consistent pass (<see cref="ChunkReader.ReadWholeTableAsync"/>) and each row's canonical values
/// (<see cref="ValueNormalizer"/>) hashed with <see cref="CanonicalValues.Hash"/> and looked up. Keys are primary key
/// tuples, or for tables without primary key the row identity (<c>_fivetran_id</c>: identical source rows count once;
/// a destination row whose stored <c>_fivetran_id</c> no longer matches its values is reported as different).
/// Destination values are read back into the canonical model (DECIMAL through its text, timestamps through
/// <c>epoch_us</c>), so equal rows hash equally. When rows differ, a second destination pass fetches the listed ones to
/// name the differing columns. Memory: one entry per destination row.
/// </para>
/// </summary>
public static class TableVerifier
{
    private sealed class Entry
    {
        public required string Hash;
        public bool Deleted;
        public int Count;
        public bool Seen;
    }

    public static async Task<TableVerification> VerifyAsync(MySqlConnection source, DuckDBConnection destination, TableMapping table,
        VerifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(table);
        options ??= new VerifyOptions();
        var dest = table.Destination;
        var id = dest.Id;
        var types = dest.Columns.Select(c => options.Hashing?.TypeOf(id, c) ?? c.Type).ToArray();
        var kinds = types.Select(t => t.Kind).ToArray();
        var hashed = dest.Columns.Select(c => options.Hashing?.IsHashed(id, c.Name) == true).ToArray();
        var window = new ChunkWindow(dest); // only for KeyOf on primary key tables

        var schemaError = CheckDestinationSchema(destination, dest);
        var entries = new Dictionary<RowKey, Entry>();
        long live = 0, deleted = 0;
        var differences = new List<RowDifference>();
        long duplicates = 0, extra = 0, missing = 0, different = 0;

        void List(DifferenceKind kind, RowKey key, string detail)
        {
            if (differences.Count(d => d.Kind == kind) < options.MaxListed) differences.Add(new RowDifference(kind, key, detail));
        }

        if (schemaError is null)
        {
            foreach (var (values, isDeleted, storedId) in ReadDestination(destination, dest, types))
            {
                var hash = CanonicalValues.Hash(values, kinds);
                var key = dest.HasPrimaryKey ? window.KeyOf(values) : new RowKey(storedId ?? hash);
                if (isDeleted) deleted++;
                else live++;
                if (entries.TryGetValue(key, out var existing))
                {
                    existing.Count++;
                    if (existing.Count == 2)
                    {
                        duplicates++;
                        List(DifferenceKind.Duplicate, key, "more than one destination row");
                    }
                    // A live copy wins over a deleted one (the key is then present).
                    if (!isDeleted && existing.Deleted) { existing.Deleted = false; existing.Hash = hash; }
                    continue;
                }
                entries[key] = new Entry { Hash = hash, Deleted = isDeleted, Count = 1 };
            }
        }

        long sourceRows = 0, distinct = 0;
        var differentRows = new List<(RowKey Key, object?[] Row)>(); // the first MaxListed, in source order
        try
        {
            await foreach (var batch in ChunkReader.ReadWholeTableAsync(source, table, options.BatchSize, cancellationToken))
            {
                foreach (var canonical in batch)
                {
                    sourceRows++;
                    var row = Stored(canonical, dest, hashed, options.Hashing);
                    var hash = CanonicalValues.Hash(row, kinds);
                    var key = dest.HasPrimaryKey ? window.KeyOf(row) : new RowKey(hash);
                    if (!entries.TryGetValue(key, out var entry))
                    {
                        distinct++;
                        missing++;
                        List(DifferenceKind.Missing, key, schemaError is null ? "absent from the destination" : "not compared");
                        // Remember it, so identical rows without primary key count once.
                        entries[key] = new Entry { Hash = hash, Seen = true, Deleted = true, Count = 0 };
                        continue;
                    }
                    if (entry.Seen)
                    {
                        if (dest.HasPrimaryKey)
                        {
                            throw new InvalidOperationException($"table {id}: the source returned key {key} twice");
                        }
                        continue; // an identical row: one destination row stands for all of them
                    }
                    entry.Seen = true;
                    distinct++;
                    if (entry.Deleted)
                    {
                        missing++;
                        List(DifferenceKind.Missing, key, "marked _fivetran_deleted in the destination");
                    }
                    else if (entry.Hash != hash)
                    {
                        different++;
                        if (differentRows.Count < options.MaxListed) differentRows.Add((key, row));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is MySqlException or FormatException or InvalidOperationException)
        {
            return new TableVerification(id, dest.HasPrimaryKey, sourceRows, distinct, live, deleted, missing, extra, different,
                duplicates, differences, $"reading the source failed: {ex.Message}");
        }

        foreach (var (key, entry) in entries)
        {
            if (entry.Seen || entry.Deleted) continue;
            extra++;
            List(DifferenceKind.Extra, key, "not in the source");
        }

        if (differentRows.Count > 0)
        {
            // Name the differing columns of the listed rows (a second destination pass).
            var wanted = differentRows.ToDictionary(p => p.Key, p => p.Row);
            var details = new Dictionary<RowKey, string>();
            foreach (var (values, isDeleted, storedId) in ReadDestination(destination, dest, types))
            {
                if (isDeleted) continue;
                var key = dest.HasPrimaryKey ? window.KeyOf(values) : new RowKey(storedId ?? "");
                if (wanted.TryGetValue(key, out var sourceRow)) details[key] = Describe(dest, sourceRow, values, kinds, dest.HasPrimaryKey ? null : storedId);
            }
            foreach (var (key, _) in differentRows)
            {
                differences.Add(new RowDifference(DifferenceKind.Different, key, details.GetValueOrDefault(key) ?? "values differ"));
            }
        }

        differences = differences.OrderBy(d => d.Kind).ToList();
        return new TableVerification(id, dest.HasPrimaryKey, sourceRows, distinct, live, deleted, missing, extra, different,
            duplicates, differences, schemaError);
    }

    private static object?[] Stored(object?[] row, DestinationTable table, bool[] hashed, ColumnHashing? hashing)
    {
        if (hashing is null || !hashed.Contains(true)) return row;
        var copy = (object?[])row.Clone();
        for (var i = 0; i < copy.Length; i++)
        {
            if (hashed[i] && copy[i] is { } value)
            {
                copy[i] = CanonicalValues.SaltedHash(value, table.Columns[i].Type.Kind, hashing.Salt.Span);
            }
        }
        return copy;
    }

    private static string Describe(DestinationTable table, object?[] source, object?[] destination, DestinationTypeKind[] kinds, string? storedId)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < source.Length; i++)
        {
            if (CanonicalValues.Hash([source[i]], [kinds[i]]) == CanonicalValues.Hash([destination[i]], [kinds[i]])) continue;
            if (sb.Length > 0) sb.Append("; ");
            sb.Append(table.Columns[i].Name).Append(": source ").Append(RowKey.Format(source[i]))
              .Append(", destination ").Append(RowKey.Format(destination[i]));
        }
        if (storedId is not null && sb.Length > 0) sb.Append(" (_fivetran_id no longer matches the values)");
        return sb.Length == 0 ? "values differ" : sb.ToString();
    }

    /// <summary>Null when the destination table exists with every mapped column, else why not.</summary>
    private static string? CheckDestinationSchema(DuckDBConnection connection, DestinationTable table)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var command = connection.CreateCommand())
        {
            command.CommandText =
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() " +
                $"AND table_schema = {Literal(table.Id.Schema)} AND table_name = {Literal(table.Id.Name)}";
            using var reader = command.ExecuteReader();
            while (reader.Read()) columns.Add(reader.GetString(0));
        }
        if (columns.Count == 0) return $"destination table {DuckDbDestination.QualifiedName(table.Id)} does not exist";
        var required = table.Columns.Select(c => c.Name).Append(SystemColumns.Deleted);
        if (!table.HasPrimaryKey) required = required.Append(SystemColumns.Id);
        var absent = required.Where(c => !columns.Contains(c)).ToList();
        return absent.Count == 0 ? null : $"destination table lacks column(s) {string.Join(", ", absent)}";
    }

    /// <summary>Reads every destination row back into canonical values, with its deleted flag and stored _fivetran_id.</summary>
    private static IEnumerable<(object?[] Values, bool Deleted, string? StoredId)> ReadDestination(
        DuckDBConnection connection, DestinationTable table, DestinationType[] types)
    {
        var select = new List<string>(types.Length + 2);
        for (var i = 0; i < types.Length; i++)
        {
            var column = DuckDbDestination.Quote(table.Columns[i].Name);
            select.Add(types[i].Kind switch
            {
                DestinationTypeKind.BigDecimal or DestinationTypeKind.Json => $"CAST({column} AS VARCHAR)",
                DestinationTypeKind.TimestampNtz or DestinationTypeKind.Timestamp => $"epoch_us({column})",
                _ => column,
            });
        }
        select.Add("COALESCE(" + DuckDbDestination.Quote(SystemColumns.Deleted) + ", FALSE)");
        select.Add(table.HasPrimaryKey ? "NULL" : DuckDbDestination.Quote(SystemColumns.Id));

        using var command = connection.CreateCommand();
        // catalog.schema.table: a schema named like the file's catalog (or temp, system) is not ambiguous.
        var qualified = DuckDbDestination.QualifiedName(DuckDbDestination.CatalogOf(connection), table.Id);
        command.CommandText = $"SELECT {string.Join(", ", select)} FROM {qualified}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var values = new object?[types.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : Canonical(reader.GetValue(i), types[i]);
            }
            var storedId = reader.IsDBNull(types.Length + 1) ? null : reader.GetString(types.Length + 1);
            yield return (values, reader.GetBoolean(types.Length), storedId);
        }
    }

    private static object Canonical(object value, DestinationType type) => type.Kind switch
    {
        DestinationTypeKind.Boolean => Convert.ToBoolean(value, CultureInfo.InvariantCulture),
        DestinationTypeKind.Integer or DestinationTypeKind.Long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        DestinationTypeKind.BigDecimal => CanonicalValues.BigDecimal(Convert.ToString(value, CultureInfo.InvariantCulture)!),
        DestinationTypeKind.Double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        DestinationTypeKind.String or DestinationTypeKind.Json => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        DestinationTypeKind.Binary => value switch
        {
            byte[] bytes => bytes,
            Stream stream => ReadAll(stream),
            _ => throw new InvalidCastException($"{value.GetType().Name} is not a BLOB value"),
        },
        DestinationTypeKind.Date => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            _ => throw new InvalidCastException($"{value.GetType().Name} is not a DATE value"),
        },
        DestinationTypeKind.TimestampNtz => DateTime.SpecifyKind(FromEpochMicros(value), DateTimeKind.Unspecified),
        DestinationTypeKind.Timestamp => FromEpochMicros(value),
        _ => throw new ArgumentException($"unknown destination type {type}"),
    };

    private static DateTime FromEpochMicros(object value) =>
        CanonicalValues.EpochUtc.AddTicks(Convert.ToInt64(value, CultureInfo.InvariantCulture) * 10);

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
