namespace Sluice.Cli.Cluster;

/// <summary>A plain, aligned text table for people (scripts use <c>--format json</c>).</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] cells) => _rows.Add(cells.Select(c => c?.ToString() ?? "-").ToArray());

    public int Count => _rows.Count;

    public void Write(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        output.WriteLine(Line(headers, widths));
        foreach (var row in _rows) output.WriteLine(Line(row, widths));
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
