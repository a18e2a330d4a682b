namespace Sluice.Binlog.Values;

/// <summary>
/// A JSON cell as compact JSON text (MySQL-like rendering: object keys in stored order, integers exact, opaque
/// DATE/TIME/DATETIME/DECIMAL as JSON strings, other opaque values as <c>"base64:typeNN:..."</c>).
/// </summary>
/// <param name="Text">The JSON text. For an empty (zero-length) cell this is <c>null</c>, MySQL's own reading of it.</param>
public sealed record MySqlJson(string Text)
{
    /// <summary>A zero-length JSON cell (what MySQL writes when a NOT NULL JSON column gets no value).</summary>
    public static MySqlJson Empty { get; } = new("null") { IsEmpty = true };

    /// <summary>
    /// True when the cell had zero bytes. MySQL reads that as JSON <c>null</c> (so <see cref="Text"/> is "null"), but the
    /// distinction from a stored JSON null literal is kept here.
    /// </summary>
    public bool IsEmpty { get; private init; }

    public override string ToString() => Text;
}
