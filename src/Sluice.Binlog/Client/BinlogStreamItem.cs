using Sluice.Binlog.Events;

namespace Sluice.Binlog.Client;

/// <summary>One decoded event of the stream and the position right after it.</summary>
/// <param name="Position">Where the binlog continues after <paramref name="Event"/>.</param>
/// <param name="IsTransactionBoundary">
/// True when <paramref name="Position"/> lies between transactions (after an XID, a COMMIT/ROLLBACK query, a
/// standalone statement such as DDL, a ROTATE, or any event outside a transaction): a safe place to persist and to
/// resume from with <see cref="BinlogStartPosition.ResumeFrom"/>.
/// </param>
public sealed record BinlogStreamItem(BinlogEvent Event, BinlogPosition Position, bool IsTransactionBoundary);
