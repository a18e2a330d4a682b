using Sluice.Replication.Discovery;

namespace Sluice.Actors.Contracts;

/// <summary>An event the <see cref="Connector.ConnectorActor"/> persists; <see cref="Connector.ConnectorState.Apply"/> folds it.</summary>
public interface IConnectorEvent : ISluiceMessage;

/// <summary>A fresh connector: its config fingerprint and the salt of its column hashing (base64 of 32 random bytes).</summary>
public sealed record ConnectorInitialized(string Fingerprint, string Salt) : IConnectorEvent;

/// <summary>The connector was started with another configuration (filter, hashed columns, source): every table re-syncs.</summary>
public sealed record ConfigurationChanged(string Fingerprint, DateTimeOffset At) : IConnectorEvent;

/// <summary>The position the stream starts from, read before the first chunk; also the first checkpoint.</summary>
public sealed record StreamStartRecorded(string Position) : IConnectorEvent;

/// <summary>A table to replicate was found (at start, by re-discovery or after a CREATE TABLE): pending its snapshot.</summary>
/// <param name="BooleanColumns">TINYINT(1) columns observed to hold only 0/1 (replicated as BOOLEAN until a re-sync).</param>
public sealed record TableAdded(TableId Table, IReadOnlyList<string> BooleanColumns, long RowsEstimated) : IConnectorEvent;

/// <summary>A table's copy starts from scratch (its destination table was dropped first when it is a re-sync).</summary>
public sealed record TableSnapshotStarted(TableId Table, IReadOnlyList<string> BooleanColumns, long RowsEstimated) : IConnectorEvent;

/// <summary>A chunk was written to the destination: the copy resumes after <paramref name="LastKey"/> (ChunkKeyCodec text).</summary>
public sealed record ChunkCommitted(TableId Table, string? LastKey, long RowsCopied) : IConnectorEvent;

/// <summary>A table's copy is complete: from now on only the stream writes it.</summary>
public sealed record TableSnapshotCompleted(TableId Table, long RowsCopied) : IConnectorEvent;

/// <summary>The table must be copied again (reported as the notable event <c>forced_resync_table</c>), e.g. after DDL.</summary>
public sealed record TableResyncRequested(TableId Table, string Reason, DateTimeOffset At) : IConnectorEvent;

/// <summary>The table is no longer replicated (dropped at the source, or no longer selected).</summary>
public sealed record TableRemoved(TableId Table, string Reason, DateTimeOffset At) : IConnectorEvent;

/// <summary>Every table committed the stream's changes up to <paramref name="Position"/>: a restart resumes there.</summary>
public sealed record CheckpointAdvanced(string Position) : IConnectorEvent;

/// <summary>The checkpoint's binlog was purged: the stream restarts at <paramref name="NewPosition"/> and every table re-syncs.</summary>
public sealed record PositionLost(string? LostPosition, string NewPosition, string Reason, DateTimeOffset At) : IConnectorEvent;
