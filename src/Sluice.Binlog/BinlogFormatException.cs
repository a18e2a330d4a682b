namespace Sluice.Binlog;

/// <summary>Bytes that do not form a valid packet, event or value.</summary>
public class BinlogFormatException(string message, Exception? inner = null) : Exception(message, inner);
