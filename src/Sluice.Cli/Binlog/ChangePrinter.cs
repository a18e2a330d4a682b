using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.Binlog.Events;
using Sluice.Binlog.Values;
using Sluice.Replication.Secrets;

namespace Sluice.Cli.Binlog;

public enum ChangeFormat
{
    Jsonl,
    Text,
}

/// <summary>
/// Turns decoded events into the lines of <c>sluice binlog tail</c> and <c>read</c>: one line per row change, DDL
/// statement and commit. Events inside a TRANSACTION_PAYLOAD are printed as if they had been sent one by one.
/// <para>
/// A jsonl row change: <c>{"kind":"insert|update|delete","schema":..,"table":..,"before":{..}|null,"after":{..}|null,
/// "position":{"file":..,"pos":..},"gtid":..}</c>, where position is the binlog position after the event that carried
/// the change and gtid is the transaction's GTID (null without one). DDL: <c>{"kind":"ddl","schema":..,"sql":..}</c>;
/// commit: <c>{"kind":"commit","xid":..}</c>, both with position and gtid.
/// </para>
/// </summary>
public sealed class ChangePrinter(TextWriter output, ChangeFormat format, LiveSchema? liveSchema = null)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Dictionary<ulong, IReadOnlyList<LiveColumn>?> _liveColumns = new();
    private string? _gtid;

    /// <summary>Lines printed so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Row changes printed so far.</summary>
    public long RowChanges { get; private set; }

    /// <summary>
    /// Prints what <paramref name="binlogEvent"/> carries; returns false once <paramref name="limit"/> lines are out.
    /// </summary>
    public async ValueTask<bool> PrintAsync(BinlogEvent binlogEvent, string file, long position, long? limit, CancellationToken ct)
    {
        switch (binlogEvent)
        {
            case TransactionPayloadEvent payload:
                foreach (var inner in payload.Events)
                {
                    if (!await PrintAsync(inner, file, position, limit, ct)) return false;
                }
                return true;
            case GtidEvent gtid:
                _gtid = gtid.IsAnonymous ? null : gtid.Gtid.ToString();
                return true;
            case MariaDbGtidEvent mariaGtid:
                _gtid = mariaGtid.Gtid.ToString();
                return true;
            case WriteRowsEvent write:
                foreach (var row in write.Rows)
                {
                    if (!await RowAsync("insert", write, null, row, file, position, limit, ct)) return false;
                }
                return true;
            case UpdateRowsEvent update:
                foreach (var row in update.Rows)
                {
                    if (!await RowAsync("update", update, row.Before, row.After, file, position, limit, ct)) return false;
                }
                return true;
            case DeleteRowsEvent delete:
                foreach (var row in delete.Rows)
                {
                    if (!await RowAsync("delete", delete, row, null, file, position, limit, ct)) return false;
                }
                return true;
            case XidEvent xid:
                return await CommitAsync(xid.Xid, file, position, limit);
            case QueryEvent query:
                var sql = query.Sql.Trim();
                if (sql.Equals("BEGIN", StringComparison.OrdinalIgnoreCase)) return true;
                if (sql.Equals("COMMIT", StringComparison.OrdinalIgnoreCase)) return await CommitAsync(null, file, position, limit);
                return await DdlAsync(query.Schema, Redaction.RedactSql(sql), file, position, limit);
            default:
                return true;
        }
    }

    private async ValueTask<bool> RowAsync(string kind, RowsEvent rows, RowImage? before, RowImage? after,
        string file, long position, long? limit, CancellationToken ct)
    {
        if (limit is { } max && Lines >= max) return false;
        var table = rows.Table;
        var live = table is null ? null : await LiveColumnsAsync(table, ct);
        var columns = table?.Columns;

        if (format == ChangeFormat.Text)
        {
            var sb = new StringBuilder();
            sb.Append(file).Append(':').Append(position.ToString(CultureInfo.InvariantCulture)).Append(' ')
              .Append(kind).Append(' ').Append(table?.Schema).Append('.').Append(table?.Table);
            if (before is not null) sb.Append(' ').Append(ImageText(before, columns, live));
            if (before is not null && after is not null) sb.Append(" ->");
            if (after is not null) sb.Append(' ').Append(ImageText(after, columns, live));
            await WriteLineAsync(sb.ToString());
        }
        else
        {
            using var w = StartJson();
            w.WriteStartObject();
            w.WriteString("kind", kind);
            w.WriteString("schema", table?.Schema);
            w.WriteString("table", table?.Table);
            w.WritePropertyName("before");
            WriteImage(w, before, columns, live);
            w.WritePropertyName("after");
            WriteImage(w, after, columns, live);
            WritePosition(w, file, position);
            w.WriteEndObject();
            await FinishJsonAsync(w);
        }
        RowChanges++;
        return true;
    }

    private async ValueTask<bool> CommitAsync(ulong? xid, string file, long position, long? limit)
    {
        if (limit is { } max && Lines >= max) return false;
        if (format == ChangeFormat.Text)
        {
            await WriteLineAsync($"{file}:{position.ToString(CultureInfo.InvariantCulture)} commit" +
                                 (xid is { } x ? " xid=" + x.ToString(CultureInfo.InvariantCulture) : "") +
                                 (_gtid is null ? "" : " gtid=" + _gtid));
        }
        else
        {
            using var w = StartJson();
            w.WriteStartObject();
            w.WriteString("kind", "commit");
            if (xid is { } x) w.WriteNumber("xid", x); else w.WriteNull("xid");
            WritePosition(w, file, position);
            w.WriteEndObject();
            await FinishJsonAsync(w);
        }
        return true;
    }

    private async ValueTask<bool> DdlAsync(string schema, string sql, string file, long position, long? limit)
    {
        if (limit is { } max && Lines >= max) return false;
        if (format == ChangeFormat.Text)
        {
            await WriteLineAsync($"{file}:{position.ToString(CultureInfo.InvariantCulture)} ddl {schema}: {sql.ReplaceLineEndings(" ")}");
        }
        else
        {
            using var w = StartJson();
            w.WriteStartObject();
            w.WriteString("kind", "ddl");
            w.WriteString("schema", schema);
            w.WriteString("sql", sql);
            WritePosition(w, file, position);
            w.WriteEndObject();
            await FinishJsonAsync(w);
        }
        return true;
    }

    private void WritePosition(Utf8JsonWriter w, string file, long position)
    {
        w.WriteStartObject("position");
        w.WriteString("file", file);
        w.WriteNumber("pos", position);
        w.WriteEndObject();
        w.WriteString("gtid", _gtid);
    }

    private static void WriteImage(Utf8JsonWriter w, RowImage? image, IReadOnlyList<ColumnInfo>? columns, IReadOnlyList<LiveColumn>? live)
    {
        if (image is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        foreach (var i in image.PresentColumns)
        {
            w.WritePropertyName(ColumnName(i, columns, live));
            ValueJson.Write(w, Enrich(image[i], i, columns, live));
        }
        w.WriteEndObject();
    }

    private static string ImageText(RowImage image, IReadOnlyList<ColumnInfo>? columns, IReadOnlyList<LiveColumn>? live)
    {
        var parts = image.PresentColumns.Select(i =>
        {
            var value = Enrich(image[i], i, columns, live);
            var text = value switch
            {
                null => "NULL",
                byte[] b => "0x" + Convert.ToHexString(b),
                string s => "'" + s + "'",
                MySqlSet set when set.Labels is not null => "'" + string.Join(',', set.Labels) + "'",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            return ColumnName(i, columns, live) + "=" + text;
        });
        return "{" + string.Join(", ", parts) + "}";
    }

    private static string ColumnName(int index, IReadOnlyList<ColumnInfo>? columns, IReadOnlyList<LiveColumn>? live)
    {
        if (columns is not null && index < columns.Count && columns[index].Name is { } name) return name;
        if (live is not null && index < live.Count) return live[index].Name;
        return "@" + (index + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Applies what only the live schema knows: signedness, ENUM and SET labels.</summary>
    private static object? Enrich(object? value, int index, IReadOnlyList<ColumnInfo>? columns, IReadOnlyList<LiveColumn>? live)
    {
        if (live is null || index >= live.Count || value is null) return value;
        var column = live[index];
        var type = columns is not null && index < columns.Count ? columns[index].Type : (ColumnType?)null;
        switch (value)
        {
            case long l when column.IsUnsigned && l < 0:
                return type switch
                {
                    ColumnType.Tiny => (ulong)(byte)l,
                    ColumnType.Short => (ulong)(ushort)l,
                    ColumnType.Int24 => (ulong)l & 0xFFFFFF,
                    ColumnType.Long => (ulong)(uint)l,
                    _ => unchecked((ulong)l),
                };
            case long l when column.IsUnsigned:
                return (ulong)l;
            case MySqlEnum e when e.Label is null && column.Labels is { } labels:
                return new MySqlEnum(e.Index, e.Index >= 1 && e.Index <= labels.Count ? labels[e.Index - 1] : "");
            case MySqlSet s when s.Labels is null && column.Labels is { } labels:
                return new MySqlSet(s.Bits, labels.Where((_, bit) => (s.Bits & (1UL << bit)) != 0).ToList());
            case string text when column.IsJson && IsValidJson(text):
                return new MySqlJson(text);
            case byte[] bytes when column.BinaryLength is { } length && bytes.Length < length:
            {
                // BINARY(n) without the binary collation logged: the binlog dropped the trailing 0x00 padding.
                var padded = new byte[length];
                bytes.CopyTo(padded, 0);
                return padded;
            }
            case byte[] bytes when column.CharacterSet is { } charset
                                   && !charset.Equals("binary", StringComparison.OrdinalIgnoreCase)
                                   && Charsets.GetEncodingByCharsetName(charset) is { } encoding:
            {
                // Text whose collation the binlog did not log: decoded with the column's charset.
                var text = encoding.GetString(bytes);
                return column.IsJson && IsValidJson(text) ? new MySqlJson(text) : text;
            }
            default:
                return value;
        }
    }

    private async ValueTask<IReadOnlyList<LiveColumn>?> LiveColumnsAsync(TableMapEvent table, CancellationToken ct)
    {
        if (liveSchema is null) return null;
        if (_liveColumns.TryGetValue(table.TableId, out var known)) return known;
        // Looked up once per table: names, signedness and labels when the binlog lacks them, and MariaDB's JSON columns.
        IReadOnlyList<LiveColumn>? live = await liveSchema.ColumnsAsync(table.Schema, table.Table, ct);
        if (live.Count != table.ColumnCount) live = null; // the table changed shape since: do not guess
        _liveColumns[table.TableId] = live;
        return live;
    }

    private static bool IsValidJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private Utf8JsonWriter StartJson()
    {
        _buffer.ResetWrittenCount();
        return new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private async ValueTask FinishJsonAsync(Utf8JsonWriter w)
    {
        await w.FlushAsync();
        await WriteLineAsync(Encoding.UTF8.GetString(_buffer.WrittenSpan));
    }

    private async ValueTask WriteLineAsync(string line)
    {
        await output.WriteLineAsync(line);
        Lines++;
    }
}
