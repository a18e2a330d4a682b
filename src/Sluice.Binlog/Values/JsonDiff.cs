namespace Sluice.Binlog.Values;

/// <summary>
/// One logical JSON diff: <paramref name="Operation"/> at the JSON path <paramref name="Path"/> (MySQL path syntax,
/// e.g. <c>$.age</c>, <c>$."a b"[2]</c>), with the new <paramref name="Value"/> (null for <see cref="JsonDiffOperation.Remove"/>).
/// </summary>
public sealed record JsonDiff(JsonDiffOperation Operation, string Path, MySqlJson? Value)
{
    public override string ToString() => Value is null ? $"{Operation} {Path}" : $"{Operation} {Path} {Value.Text}";
}
