namespace Sluice.Binlog.Events;

/// <summary>
/// One row image of a rows event. With binlog_row_image=MINIMAL/NOBLOB a column may be absent from the image, which
/// is not the same as NULL: <see cref="IsPresent"/> tells them apart, and reading an absent column throws.
/// Values are what <see cref="Values.CellDecoder"/> produced (null for SQL NULL).
/// </summary>
public sealed class RowImage
{
    private readonly object?[] _values;
    private readonly bool[] _present;

    internal RowImage(object?[] values, bool[] present)
    {
        _values = values;
        _present = present;
    }

    /// <summary>The stored value of a column, without the presence check.</summary>
    internal object? ValueAt(int column) => _values[column];

    /// <summary>The number of columns of the table (present or not).</summary>
    public int ColumnCount => _values.Length;

    public bool IsPresent(int column) => (uint)column < (uint)_present.Length && _present[column];

    /// <summary>True when the column is present and SQL NULL.</summary>
    public bool IsNull(int column) => IsPresent(column) && _values[column] is null;

    /// <summary>The value of a present column (null = SQL NULL); throws for an absent column.</summary>
    public object? this[int column] => IsPresent(column)
        ? _values[column]
        : throw new InvalidOperationException($"column {column + 1} is not in this row image (binlog_row_image is not FULL)");

    public bool TryGetValue(int column, out object? value)
    {
        value = IsPresent(column) ? _values[column] : null;
        return IsPresent(column);
    }

    /// <summary>Indexes of the columns present in this image.</summary>
    public IEnumerable<int> PresentColumns
    {
        get
        {
            for (var i = 0; i < _present.Length; i++) if (_present[i]) yield return i;
        }
    }

    public override string ToString() =>
        "[" + string.Join(", ", Enumerable.Range(0, _values.Length).Select(i => !_present[i] ? "<absent>" : _values[i] switch
        {
            null => "NULL",
            byte[] b => "0x" + Convert.ToHexString(b),
            var v => v.ToString(),
        })) + "]";
}

/// <summary>The before and after image of one updated row.</summary>
public sealed record RowUpdate(RowImage Before, RowImage After);

/// <summary>
/// A JSON column of a PARTIAL_UPDATE_ROWS_EVENT after image whose diffs could not be applied because the before
/// image does not hold the column's document (binlog_row_image=MINIMAL): the new value is the old document (not in
/// the binlog) with <see cref="Diffs"/> applied.
/// </summary>
public sealed record PartialJsonValue(IReadOnlyList<Sluice.Binlog.Values.JsonDiff> Diffs)
{
    public override string ToString() => "JSON diff [" + string.Join("; ", Diffs) + "]";
}

/// <summary>v2 rows events' extra row info (MySQL 8.0.16+ partition ids; NDB cluster data).</summary>
public sealed record RowsExtraInfo(int? PartitionId, int? SourcePartitionId, byte? NdbFormat, byte[]? NdbData);
