using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Protocol.Payloads;
using Sluice.Replication.Destinations;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Replication.Snapshot;

/// <summary>
/// The snapshot's fast reader: keyset chunks read over Sluice's own MySQL connection (<see cref="BinlogConnection"/>)
/// and decoded from the text protocol's bytes straight into canonical values, without a boxed intermediate per cell
/// (MySqlConnector's typed getters box every value they parse). It reads only tables whose every column is one of the
/// common kinds below and whose primary key is made of signed integers (<see cref="Supports"/>); every other table is
/// read by <see cref="ChunkReader"/>. Both produce the same rows: the cell conversions end in the same
/// <see cref="ValueNormalizer"/> code (tests compare the two on every supported type and edge value).
/// <list type="bullet">
/// <item>Integers up to INT, and signed BIGINT, into INTEGER/LONG; TINYINT(1) into BOOLEAN.</item>
/// <item>DECIMAL/NUMERIC of precision up to 28 (System.Decimal, scale kept).</item>
/// <item>DATE, DATETIME, TIMESTAMP (zero and invalid dates as <see cref="ValueNormalizer"/> treats them; the session
/// time zone is UTC, as <see cref="SourceConnections.OpenAsync"/> sets it).</item>
/// <item>CHAR/VARCHAR/TEXT with a character set (the server sends them in the connection's utf8mb4).</item>
/// </list>
/// </summary>
public sealed class TextChunkReader : IAsyncDisposable
{
    private readonly BinlogConnection _connection;

    private TextChunkReader(BinlogConnection connection) => _connection = connection;

    /// <summary>Whether this reader can read <paramref name="table"/> (else use <see cref="ChunkReader"/>).</summary>
    public static bool Supports(TableMapping table)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            if (!ChunkReader.KeysAreInRow(table)) return false;
        }
        catch (NotSupportedException)
        {
            return false;
        }
        return table.Destination.Columns.All(c => KindOf(c) is not null);
    }

    /// <summary>Opens a connection for <paramref name="connectionString"/> (the source's, MySqlConnector syntax) with the session time zone UTC.</summary>
    public static async Task<TextChunkReader> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var connection = await BinlogConnection.OpenAsync(BinlogConnectionOptions.Parse(connectionString), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync("SET time_zone = '+00:00'", cancellationToken).ConfigureAwait(false);
            return new TextChunkReader(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>As <see cref="ChunkReader.ReadChunkAsync"/>: the next chunk of at most <paramref name="chunkSize"/> rows after <paramref name="lastKey"/>.</summary>
    public async Task<SnapshotChunk> ReadChunkAsync(TableMapping table, object?[]? lastKey, int chunkSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (!Supports(table)) throw new NotSupportedException($"table {table.Source.Id}: read it with {nameof(ChunkReader)}");
        var sink = new ChunkSink(table, Math.Min(chunkSize, 65_536));
        await _connection.QueryRowsAsync(ChunkReader.BuildLiteralChunkSql(table, lastKey, chunkSize), sink, cancellationToken)
            .ConfigureAwait(false);
        var rows = sink.Rows;
        object?[]? last = lastKey;
        if (rows.Count > 0)
        {
            var keys = table.Destination.PrimaryKeyIndexes.ToArray();
            // PrimaryKeyIndexes are in key order; the rows carry the key values as they are (signed integers).
            last = new object?[keys.Length];
            for (var i = 0; i < keys.Length; i++) last[i] = rows[^1][keys[i]];
        }
        return new SnapshotChunk(rows, last, rows.Count < chunkSize);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private enum CellKind : byte
    {
        Int64,
        Boolean,
        Decimal,
        Temporal,
        Text,
    }

    private static CellKind? KindOf(DestinationColumn column) => ValueNormalizer.PlanOf(column) switch
    {
        ValueNormalizer.ReadPlan.Int64 => CellKind.Int64,
        ValueNormalizer.ReadPlan.BooleanFromInteger => CellKind.Boolean,
        ValueNormalizer.ReadPlan.Decimal => CellKind.Decimal,
        ValueNormalizer.ReadPlan.Temporal => CellKind.Temporal,
        _ when column.Type.Kind == DestinationTypeKind.String && column.Source is { CharacterSet: not null } source
            && source.DataType is "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" => CellKind.Text,
        _ => null,
    };

    private static readonly object True = true;
    private static readonly object False = false;

    /// <summary>Decodes the rows of one chunk query as they arrive.</summary>
    private sealed class ChunkSink(TableMapping table, int capacity) : ITextRowSink
    {
        private readonly DestinationTable _table = table.Destination;
        private readonly CellKind[] _kinds = table.Destination.Columns.Select(c => KindOf(c)!.Value).ToArray();

        public List<object?[]> Rows { get; } = new(capacity);

        public void Columns(IReadOnlyList<ColumnDefinition41> columns)
        {
            // The SELECT lists the destination columns first; text must arrive as text, not as bytes.
            if (columns.Count < _kinds.Length) throw new InvalidOperationException($"table {_table.Id}: the chunk query returned {columns.Count} column(s)");
            for (var i = 0; i < _kinds.Length; i++)
            {
                if (_kinds[i] == CellKind.Text && columns[i].CharacterSet == ColumnDefinition41.Binary)
                {
                    throw new InvalidOperationException($"table {_table.Id}: column {_table.Columns[i].Name} arrived as binary");
                }
            }
        }

        public void Row(ReadOnlySpan<byte> payload)
        {
            var reader = new SpanReader(payload);
            var columns = _table.Columns;
            var row = new object?[_kinds.Length];
            for (var i = 0; i < row.Length; i++)
            {
                if (reader.PeekByte() == 0xFB)
                {
                    reader.Skip(1);
                    row[i] = ValueNormalizer.Normalize(null, columns[i]);
                    continue;
                }
                var cell = reader.ReadLengthEncodedBytes();
                row[i] = _kinds[i] switch
                {
                    CellKind.Int64 => ParseInt64(cell, columns[i]),
                    CellKind.Boolean => ParseInt64(cell, columns[i]) != 0 ? True : False,
                    CellKind.Decimal => ParseDecimal(cell, columns[i]),
                    CellKind.Temporal => ParseTemporal(cell, columns[i]),
                    _ => Encoding.UTF8.GetString(cell),
                };
            }
            Rows.Add(row);
        }

        private FormatException Bad(DestinationColumn column, ReadOnlySpan<byte> cell) =>
            new($"table {_table.Id}: column {column.Name}: cannot read '{Encoding.UTF8.GetString(cell)}' as {column.Type}");

        private long ParseInt64(ReadOnlySpan<byte> cell, DestinationColumn column) =>
            Utf8Parser.TryParse(cell, out long value, out var used) && used == cell.Length ? value : throw Bad(column, cell);

        private decimal ParseDecimal(ReadOnlySpan<byte> cell, DestinationColumn column)
        {
            if (Utf8Parser.TryParse(cell, out decimal value, out var used) && used == cell.Length) return value;
            return decimal.TryParse(Encoding.ASCII.GetString(cell), NumberStyles.Number, CultureInfo.InvariantCulture, out value)
                ? value
                : throw Bad(column, cell);
        }

        /// <summary><c>YYYY-MM-DD</c>, optionally followed by <c> HH:MM:SS</c> and a fraction of 1-6 digits.</summary>
        private object? ParseTemporal(ReadOnlySpan<byte> cell, DestinationColumn column)
        {
            if (cell.Length is not (10 or 19) && !(cell.Length is >= 21 and <= 26 && cell[19] == (byte)'.')) throw Bad(column, cell);
            if (cell[4] != '-' || cell[7] != '-') throw Bad(column, cell);
            int year = Digits(cell, 0, 4, column), month = Digits(cell, 5, 2, column), day = Digits(cell, 8, 2, column);
            int hour = 0, minute = 0, second = 0, microsecond = 0;
            if (cell.Length > 10)
            {
                if (cell[10] != ' ' || cell[13] != ':' || cell[16] != ':') throw Bad(column, cell);
                hour = Digits(cell, 11, 2, column);
                minute = Digits(cell, 14, 2, column);
                second = Digits(cell, 17, 2, column);
                if (cell.Length > 20)
                {
                    var digits = cell.Length - 20;
                    microsecond = Digits(cell, 20, digits, column);
                    for (var d = digits; d < 6; d++) microsecond *= 10;
                }
            }
            return ValueNormalizer.NormalizeTemporal(year, month, day, hour, minute, second, microsecond, column);
        }

        private int Digits(ReadOnlySpan<byte> cell, int start, int count, DestinationColumn column)
        {
            var value = 0;
            for (var i = start; i < start + count; i++)
            {
                var d = cell[i] - '0';
                if ((uint)d > 9) throw Bad(column, cell);
                value = value * 10 + d;
            }
            return value;
        }
    }
}
