using System.Runtime.CompilerServices;
using System.Buffers;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Events;

/// <summary>
/// Decodes the body of a rows event: post-header (table id, flags, v2 extra row info), column count, columns-present
/// bitmap(s), then row images — each a NULL bitmap over the present columns followed by the non-NULL values, read by
/// <see cref="CellDecoder"/> with the TABLE_MAP's <see cref="ColumnInfo"/>.
/// </summary>
internal static class RowsEventReader
{
    private enum Kind { Write, Update, Delete }

    private const ulong PartialJsonUpdates = 1;
    private const byte ExtraNdb = 0, ExtraPartition = 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowsEvent Read(EventHeader header, ReadOnlySpan<byte> body, int postHeaderLength,
        IReadOnlyDictionary<ulong, TableMapEvent> tables, in EventContext ctx)
    {
        var type = header.EventType;
        var (kind, compressed) = type switch
        {
            BinlogEventType.WriteRowsV1 or BinlogEventType.WriteRowsV2 => (Kind.Write, false),
            BinlogEventType.UpdateRowsV1 or BinlogEventType.UpdateRowsV2 or BinlogEventType.PartialUpdateRows => (Kind.Update, false),
            BinlogEventType.DeleteRowsV1 or BinlogEventType.DeleteRowsV2 => (Kind.Delete, false),
            BinlogEventType.MariaDbWriteRowsCompressedV1 or BinlogEventType.MariaDbWriteRowsCompressed => (Kind.Write, true),
            BinlogEventType.MariaDbUpdateRowsCompressedV1 or BinlogEventType.MariaDbUpdateRowsCompressed => (Kind.Update, true),
            BinlogEventType.MariaDbDeleteRowsCompressedV1 or BinlogEventType.MariaDbDeleteRowsCompressed => (Kind.Delete, true),
            _ => throw ctx.Error("not a rows event"),
        };
        var partial = type == BinlogEventType.PartialUpdateRows;
        var version = postHeaderLength >= 10 ? 2 : 1;

        var r = new SpanReader(body);
        var tableId = postHeaderLength == 6 ? r.ReadUInt32() : r.ReadUInt48();
        var flags = r.ReadUInt16();
        RowsExtraInfo? extra = null;
        if (version == 2)
        {
            var extraLength = r.ReadUInt16();
            if (extraLength < 2) throw ctx.Error($"extra row info length {extraLength} is below 2");
            extra = ReadExtra(r.ReadBytes(extraLength - 2), kind == Kind.Update, ctx);
        }
        if (postHeaderLength > 10) r.Skip(postHeaderLength - 10);

        byte[]? pooled = null;
        try
        {
            var data = r.RemainingSpan;
            if (compressed)
            {
                pooled = MariaDbCompression.Decompress(data, ctx, out var length);
                data = pooled.AsSpan(0, length);
            }
            var d = new SpanReader(data);
            var count = d.ReadLengthEncodedInteger();
            if (count > 4096) throw ctx.Error($"column count {count} is not plausible");
            var n = (int)count;
            var first = BinlogBits.ToBoolsLsb(d.ReadBytes(BinlogBits.Bytes(n)), n);
            var second = kind == Kind.Update ? BinlogBits.ToBoolsLsb(d.ReadBytes(BinlogBits.Bytes(n)), n) : first;

            tables.TryGetValue(tableId, out var table);
            if (table is null)
            {
                if (!d.IsAtEnd) throw ctx.Error($"rows for table id {tableId}, which no TABLE_MAP announced");
            }
            else if (n > table.ColumnCount)
            {
                throw ctx.Error($"{n} columns, but the TABLE_MAP of `{table.Schema}`.`{table.Table}` (id {tableId}) has {table.ColumnCount}");
            }

            var jsonOrdinal = table is null ? [] : JsonOrdinals(table, n);
            var jsonCount = partial && table is not null ? table.Columns.Count(c => c.Type == ColumnType.Json) : 0;
            var columns = table is null ? [] : table.Columns as ColumnInfo[] ?? [.. table.Columns];
            var firstCount = CountTrue(first);
            var secondCount = ReferenceEquals(second, first) ? firstCount : CountTrue(second);
            // Update rows: where the before image's cell bytes recur in the after image, its (immutable) value is reused.
            var cells = kind == Kind.Update ? new int[2 * n] : null;
            var images = new List<RowImage>();
            var updates = new List<RowUpdate>();
            var rowNumber = 0;
            while (!d.IsAtEnd)
            {
                rowNumber++;
                var firstImage = ReadImage(ref d, columns, first, firstCount, null, default, jsonOrdinal, rowNumber, kind == Kind.Update ? "before" : null, cells, ctx);
                if (kind != Kind.Update)
                {
                    images.Add(firstImage);
                    continue;
                }
                ReadOnlySpan<byte> partialBits = default;
                if (partial)
                {
                    var options = d.ReadLengthEncodedInteger();
                    if ((options & PartialJsonUpdates) != 0) partialBits = d.ReadBytes(BinlogBits.Bytes(jsonCount));
                }
                var after = ReadImage(ref d, columns, second, secondCount, firstImage, partialBits, jsonOrdinal, rowNumber, "after", cells, ctx);
                updates.Add(new RowUpdate(firstImage, after));
            }

            return kind switch
            {
                Kind.Write => new WriteRowsEvent(header)
                {
                    TableId = tableId, Flags = flags, Table = table, ColumnCount = n, Version = version, ExtraInfo = extra,
                    WasCompressed = compressed, Rows = images,
                },
                Kind.Delete => new DeleteRowsEvent(header)
                {
                    TableId = tableId, Flags = flags, Table = table, ColumnCount = n, Version = version, ExtraInfo = extra,
                    WasCompressed = compressed, Rows = images,
                },
                _ => new UpdateRowsEvent(header)
                {
                    TableId = tableId, Flags = flags, Table = table, ColumnCount = n, Version = version, ExtraInfo = extra,
                    WasCompressed = compressed, Rows = updates, IsPartialJson = partial,
                },
            };
        }
        catch (BinlogFormatException e) when (!EventContext.HasContext(e))
        {
            throw ctx.Error(e.Message, e);
        }
        finally
        {
            if (pooled is not null) ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>For each column, its ordinal among the table's JSON columns (-1 for other columns).</summary>
    private static int[] JsonOrdinals(TableMapEvent table, int n)
    {
        var result = new int[n];
        var count = 0;
        for (var i = 0; i < n; i++) result[i] = table.Columns[i].Type == ColumnType.Json ? count++ : -1;
        return result;
    }

    private static int CountTrue(bool[] flags)
    {
        var count = 0;
        foreach (var f in flags) if (f) count++;
        return count;
    }

    /// <summary>
    /// Reads one row image. <paramref name="cells"/> (update rows only) holds, per column, the offset and length of the
    /// before image's cell bytes (length -1: absent or NULL): the before image (<paramref name="before"/> null) records
    /// them; the after image reuses the before value of a cell whose bytes are the same, when that value is immutable.
    /// Cell encodings are self-delimiting for a given column, so equal leading bytes mean an equal cell.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RowImage ReadImage(ref SpanReader d, ColumnInfo[] columns, bool[] present, int presentCount, RowImage? before,
        ReadOnlySpan<byte> partialBits, int[] jsonOrdinal, int rowNumber, string? imageName, int[]? cells, in EventContext ctx)
    {
        var n = present.Length;
        var nulls = d.ReadBytes(BinlogBits.Bytes(presentCount));
        var values = new object?[n];
        var recording = cells is not null && before is null;
        if (recording) cells.AsSpan().Fill(-1);
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            if (!present[i]) continue;
            if (BinlogBits.Lsb(nulls, k++)) continue;
            var column = columns[i];
            var start = d.Offset;
            if (cells is not null && before is not null && cells[2 * i + 1] is var length and >= 0 && length <= d.Remaining
                && d.Buffer.Slice(cells[2 * i], length).SequenceEqual(d.RemainingSpan[..length])
                && before.ValueAt(i) is { } same && IsImmutable(same)
                && (partialBits.IsEmpty || jsonOrdinal[i] < 0 || !BinlogBits.Lsb(partialBits, jsonOrdinal[i])))
            {
                values[i] = same;
                d.Skip(length);
                continue;
            }
            try
            {
                // partial_bits (PARTIAL_UPDATE after images): one bit per JSON column of the table, LSB first.
                if (!partialBits.IsEmpty && jsonOrdinal[i] >= 0 && BinlogBits.Lsb(partialBits, jsonOrdinal[i]))
                {
                    var diffs = CellDecoder.ReadJsonDiff(ref d, column);
                    values[i] = before is not null && before.IsPresent(i) && before[i] is MySqlJson json
                        ? JsonPartialUpdate.Apply(json, diffs)
                        : new PartialJsonValue(diffs);
                }
                else
                {
                    values[i] = CellDecoder.Read(ref d, column);
                    if (recording)
                    {
                        cells![2 * i] = start;
                        cells[2 * i + 1] = d.Offset - start;
                    }
                }
            }
            catch (BinlogFormatException e)
            {
                var image = imageName is null ? "" : $" ({imageName} image)";
                throw ctx.Error($"cannot decode column {column.DisplayName} ({column.Type}, metadata {column.Metadata}) of row {rowNumber}{image} at body offset {start}: {e.Message}", e);
            }
        }
        return new RowImage(values, present);
    }

    /// <summary>Values a before and an after image may share: strings, immutable records and boxed readonly structs.</summary>
    private static bool IsImmutable(object value) => value is string or ValueType or MySqlDecimal or MySqlJson;

    private static RowsExtraInfo ReadExtra(ReadOnlySpan<byte> extra, bool isUpdate, in EventContext ctx)
    {
        var r = new SpanReader(extra);
        int? partition = null, source = null;
        byte? ndbFormat = null;
        byte[]? ndbData = null;
        while (!r.IsAtEnd)
        {
            var type = r.ReadByte();
            switch (type)
            {
                case ExtraNdb:
                {
                    var length = r.ReadByte();
                    if (length < 2) throw ctx.Error($"NDB extra row info length {length} is below 2");
                    ndbFormat = r.ReadByte();
                    ndbData = r.ReadBytes(length - 2).ToArray();
                    break;
                }
                case ExtraPartition:
                    partition = r.ReadUInt16();
                    if (isUpdate) source = r.ReadUInt16();
                    break;
                default:
                    // Unknown extra info: its layout is unknown, the rest of the block is skipped.
                    r.Seek(r.Length);
                    break;
            }
        }
        return new RowsExtraInfo(partition, source, ndbFormat, ndbData);
    }
}
