using Sluice.Binlog.Protocol.Payloads;

namespace Sluice.Binlog.Protocol;

/// <summary>Receives a text result set streamed by <see cref="BinlogConnection.QueryRowsAsync"/>.</summary>
public interface ITextRowSink
{
    /// <summary>The column definitions, once, before any row (empty for a statement without a result set).</summary>
    void Columns(IReadOnlyList<ColumnDefinition41> columns);

    /// <summary>One row: per column a length-encoded string, or 0xFB for NULL. The span is valid only during the call.</summary>
    void Row(ReadOnlySpan<byte> payload);
}
