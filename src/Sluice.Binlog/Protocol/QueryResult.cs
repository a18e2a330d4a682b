namespace Sluice.Binlog.Protocol;

/// <summary>A text-protocol result: column names and rows of strings (null for SQL NULL).</summary>
public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows)
{
    public static readonly QueryResult Empty = new([], []);

    /// <summary>The value of the first column of the first row, or null when there is none.</summary>
    public string? Scalar => Rows.Count > 0 && Rows[0].Length > 0 ? Rows[0][0] : null;

    public int ColumnIndex(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
