using System.Runtime.CompilerServices;
using System.Text;
using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Replication.Snapshot;

/// <summary>
/// Reads a source table for the snapshot without taking locks: plain SELECTs (consistent non-locking reads under
/// REPEATABLE READ / READ COMMITTED; no LOCK TABLES, no FLUSH TABLES WITH READ LOCK).
/// <para>
/// Tables with a primary key are read in keyset chunks:
/// <c>SELECT … WHERE a &gt;= @a AND (a &gt; @a OR (a = @a AND b &gt; @b)) ORDER BY a, b LIMIT n</c>. The row
/// constructor <c>(a, b) &gt; (@a, @b)</c> is not used: MariaDB (10.11) does not turn it into an index range and scans
/// the index from its start for every chunk, whereas the expanded form is a range scan on MySQL and MariaDB.
/// </para>
/// <para>
/// Tables whose key columns are all signed integers take the last key from the last row's canonical values (the same
/// <see cref="long"/>s). Others: each chunk also reads the raw key of its rows, kept apart from the canonical values (where a zero date in the key
/// becomes the epoch) so the next WHERE names exactly the last row. Per key column type the raw value is: signed
/// integers and YEAR a <see cref="long"/>; unsigned integers and BIT a <see cref="ulong"/>; DECIMAL its exact text,
/// compared through <c>CAST(… AS DECIMAL(p,s))</c>; FLOAT/DOUBLE a <see cref="double"/> read as <c>col + 0E0</c> (full
/// precision); DATE/DATETIME/TIMESTAMP/TIME the server text (<c>0000-00-00</c> included) compared as a literal;
/// text columns their stored bytes, compared through <c>CONVERT(… USING charset) COLLATE collation</c> so the column's
/// collation orders and compares them; binary columns their bytes; ENUM/SET their member number (the order ORDER BY
/// uses; such keys get an index scan rather than a range, which is correct but slower).
/// </para>
/// <para>
/// The connection must come from <see cref="SourceConnections.OpenAsync"/> (zero dates readable, session time zone UTC:
/// TIMESTAMP keys are read and compared in the same zone on every run).
/// </para>
/// </summary>
public static class ChunkReader
{
    /// <summary>
    /// Reads the next chunk of at most <paramref name="chunkSize"/> rows after <paramref name="lastKey"/> (null: from the
    /// start) in primary-key order.
    /// </summary>
    public static async Task<SnapshotChunk> ReadChunkAsync(MySqlConnection connection, TableMapping table, object?[]? lastKey,
        int chunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var keys = KeyColumns(table);
        if (lastKey is not null)
        {
            if (lastKey.Length != keys.Count)
            {
                throw new ArgumentException($"table {table.Source.Id}: the last key has {lastKey.Length} values for a {keys.Count}-column primary key");
            }
            for (var i = 0; i < keys.Count; i++)
            {
                if (!keys[i].Accepts(lastKey[i]))
                {
                    throw new ArgumentException(
                        $"table {table.Source.Id}: last key value {i} ({lastKey[i]?.GetType().Name ?? "null"}) does not fit primary key column {keys[i].Source.Name} ({keys[i].Kind})");
                }
            }
        }

        var destination = table.Destination;
        await using var command = new MySqlCommand(BuildChunkSql(table, lastKey is not null, chunkSize), connection);
        if (lastKey is not null)
        {
            for (var i = 0; i < keys.Count; i++) command.Parameters.AddWithValue("@k" + i, lastKey[i]);
        }

        var rows = new List<object?[]>(Math.Min(chunkSize, 65_536));
        object?[]? last = lastKey;
        var inRow = KeysInRow(table, keys);
        // The raw key of the current row (converted once, for the last row), unless the row's own values are the key.
        var raw = new object[inRow is null ? keys.Count : 0];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var rawStart = destination.Columns.Count;
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ReadRow(reader, table));
                for (var i = 0; i < raw.Length; i++) raw[i] = reader.GetValue(rawStart + i);
            }
        }
        if (rows.Count > 0)
        {
            last = new object?[keys.Count];
            for (var i = 0; i < keys.Count; i++) last[i] = inRow is null ? keys[i].Raw(raw[i]) : rows[^1][inRow[i]];
        }
        return new SnapshotChunk(rows, last, rows.Count < chunkSize);
    }

    /// <summary>
    /// The chunk query: destination columns, then the raw key expressions (unless the rows carry the key, see
    /// <see cref="KeysInRow"/>), after <c>@k0…@kN</c> when <paramref name="afterKey"/> is set.
    /// </summary>
    public static string BuildChunkSql(TableMapping table, bool afterKey, int chunkSize) =>
        BuildChunkSql(table, KeyColumns(table), afterKey ? i => "@k" + i : null, chunkSize);

    /// <summary>
    /// The chunk query with the last key written into it as literals (for a connection without parameters): only for
    /// tables whose keys are all signed integers (<see cref="KeysInRow"/>), whose literals are plain numbers.
    /// </summary>
    internal static string BuildLiteralChunkSql(TableMapping table, object?[]? lastKey, int chunkSize)
    {
        var keys = KeyColumns(table);
        if (KeysInRow(table, keys) is null) throw new InvalidOperationException($"table {table.Source.Id}: its key is not made of signed integers");
        if (lastKey is not null && (lastKey.Length != keys.Count || !lastKey.All(k => k is long)))
        {
            throw new ArgumentException($"table {table.Source.Id}: the last key must be {keys.Count} signed integer(s)");
        }
        return BuildChunkSql(table, keys, lastKey is null ? null : i => ((long)lastKey[i]!).ToString(System.Globalization.CultureInfo.InvariantCulture), chunkSize);
    }

    /// <summary>Whether the table's rows carry their own keyset position (every key column a signed integer).</summary>
    internal static bool KeysAreInRow(TableMapping table) => table.Source.HasPrimaryKey && KeysInRow(table, KeyColumns(table)) is not null;

    private static string BuildChunkSql(TableMapping table, IReadOnlyList<KeyColumn> keys, Func<int, string>? value, int chunkSize)
    {
        // The destination columns as ValueNormalizer.SelectSql lists them, then the raw key expressions (ReadRow reads
        // only the first ones).
        var sql = new StringBuilder("SELECT ");
        sql.Append(ValueNormalizer.SelectList(table.Destination));
        if (KeysInRow(table, keys) is null)
        {
            foreach (var key in keys) sql.Append(", ").Append(key.ReadExpression);
        }
        sql.Append(" FROM ").Append(table.Source.Id.QuotedForMySql);
        if (value is not null)
        {
            sql.Append(" WHERE ").Append(AfterKeyPredicate(keys, value));
        }
        sql.Append(" ORDER BY ").Append(string.Join(", ", keys.Select(k => k.Quoted)));
        sql.Append(" LIMIT ").Append(chunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return sql.ToString();
    }

    /// <summary>
    /// Where each key column's raw value sits among the canonical values, when they are the same: signed integer keys
    /// read as <see cref="long"/> both ways (a TINYINT(1) read as a boolean is not). Null: the chunk query reads the
    /// raw key expressions after the destination columns.
    /// </summary>
    private static int[]? KeysInRow(TableMapping table, IReadOnlyList<KeyColumn> keys)
    {
        var columns = table.Destination.Columns;
        var indexes = new int[keys.Count];
        for (var k = 0; k < keys.Count; k++)
        {
            var key = keys[k];
            if (key.Kind != KeyKind.Signed || key.Source.DataType == "year") return null;
            var index = -1;
            for (var c = 0; c < columns.Count; c++)
            {
                if (string.Equals(columns[c].Name, key.Source.Name, StringComparison.Ordinal)) index = c;
            }
            if (index < 0 || columns[index].Type.Kind is not (DestinationTypeKind.Integer or DestinationTypeKind.Long)) return null;
            indexes[k] = index;
        }
        return indexes;
    }

    /// <summary><c>k1 &gt;= v1 AND (k1 &gt; v1 OR (k1 = v1 AND k2 &gt; v2) OR …)</c>, or <c>k1 &gt; v1</c> for one column.</summary>
    private static string AfterKeyPredicate(IReadOnlyList<KeyColumn> keys, Func<int, string> value)
    {
        string Value(int i) => keys[i].ValueExpression(value(i));
        if (keys.Count == 1) return $"{keys[0].Quoted} > {Value(0)}";
        var terms = new List<string>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var parts = new List<string>(i + 1);
            for (var j = 0; j < i; j++) parts.Add($"{keys[j].Quoted} = {Value(j)}");
            parts.Add($"{keys[i].Quoted} > {Value(i)}");
            terms.Add(parts.Count == 1 ? parts[0] : "(" + string.Join(" AND ", parts) + ")");
        }
        return $"{keys[0].Quoted} >= {Value(0)} AND ({string.Join(" OR ", terms)})";
    }

    /// <summary>
    /// Streams a whole table in one consistent pass, in batches of at most <paramref name="batchSize"/> rows (memory is
    /// bounded by one batch: rows are read from the network as they are consumed). For tables without a primary key.
    /// <para>
    /// The read runs inside <c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c> at REPEATABLE READ (an InnoDB read view,
    /// no locks), committed when the enumeration ends. Other engines have no read view: MyISAM takes its usual
    /// statement-long table read lock. The connection must not be used for anything else until the enumeration ends.
    /// </para>
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<object?[]>> ReadWholeTableAsync(MySqlConnection connection, TableMapping table,
        int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        await ExecuteAsync(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", cancellationToken);
        await ExecuteAsync(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT", cancellationToken);
        var committed = false;
        try
        {
            await using (var command = new MySqlCommand(ValueNormalizer.SelectSql(table.Destination), connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                var batch = new List<object?[]>(Math.Min(batchSize, 4096));
                while (await reader.ReadAsync(cancellationToken))
                {
                    batch.Add(ReadRow(reader, table));
                    if (batch.Count == batchSize)
                    {
                        yield return batch;
                        batch = new List<object?[]>(Math.Min(batchSize, 4096));
                    }
                }
                if (batch.Count > 0) yield return batch;
            }
            await ExecuteAsync(connection, "COMMIT", cancellationToken);
            committed = true;
        }
        finally
        {
            if (!committed && connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    // An abandoned enumeration: the reader is disposed by now, so the connection can end the transaction.
                    await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None);
                }
                catch (MySqlException)
                {
                    // The connection is broken; the server ends the transaction with it.
                }
            }
        }
    }

    private static object?[] ReadRow(MySqlDataReader reader, TableMapping table)
    {
        try
        {
            return ValueNormalizer.ReadRow(reader, table.Destination);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"table {table.Source.Id}: {ex.Message}", ex);
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static IReadOnlyList<KeyColumn> KeyColumns(TableMapping table)
    {
        var source = table.Source;
        if (!source.HasPrimaryKey)
        {
            throw new InvalidOperationException($"table {source.Id} has no primary key: read it with {nameof(ReadWholeTableAsync)}");
        }
        return source.PrimaryKey
            .Select(name => KeyColumn.For(source.Id, source.Column(name)
                ?? throw new InvalidOperationException($"table {source.Id}: primary key column {name} is not among its columns")))
            .ToArray();
    }
}
