using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Values;

/// <summary>
/// Decodes one non-NULL cell of a row image. CONTRACT (filled in by the values work): see the value types in this
/// folder for what each column type decodes to.
/// </summary>
public static class CellDecoder
{
    public static object? Read(ref SpanReader reader, ColumnInfo column) =>
        throw new NotImplementedException("CellDecoder is being written in the values branch");
}
