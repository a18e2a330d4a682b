using System.Collections.Immutable;
using Sluice.Actors.Contracts;
using Sluice.Replication.Discovery;

namespace Sluice.Actors.Connector;

/// <summary>Where one table's replication stands.</summary>
public enum TablePhase
{
    /// <summary>Known, not copied yet (the stream already writes its changes).</summary>
    Pending,

    /// <summary>Being copied: chunks up to <see cref="TableProgress.LastKey"/> are in the destination.</summary>
    Snapshotting,

    /// <summary>Copied: only the stream writes it.</summary>
    Streaming,

    /// <summary>Must be dropped in the destination and copied again (<see cref="TableProgress.ResyncReason"/>).</summary>
    NeedsResync,
}

/// <summary>One table's persisted progress.</summary>
/// <param name="LastKey">The raw key after which the copy resumes (ChunkKeyCodec text); null: from the start.</param>
/// <param name="BooleanColumns">TINYINT(1) columns replicated as BOOLEAN (fixed from the copy's start to the next re-sync).</param>
public sealed record TableProgress(
    TableId Table,
    TablePhase Phase,
    string? LastKey,
    long RowsCopied,
    long RowsEstimated,
    IReadOnlyList<string> BooleanColumns,
    string? ResyncReason);

/// <summary>A notable event shown in status and logs: <c>forced_resync_table</c>, <c>position_lost</c>, ...</summary>
public sealed record NotableEvent(string Kind, string? Table, string Detail, DateTimeOffset At)
{
    public override string ToString() => Table is null ? $"{At:u} {Kind}: {Detail}" : $"{At:u} {Kind} {Table}: {Detail}";
}

/// <summary>
/// The connector's persisted state: pure and immutable; <see cref="Apply"/> folds one event. Also the snapshot the
/// actor saves every N events.
/// </summary>
public sealed record ConnectorState : ISluiceMessage
{
    /// <summary>How many notable events are kept.</summary>
    public const int MaxEvents = 100;

    public static ConnectorState Empty { get; } = new();

    /// <summary>The fingerprint of the configuration the destination was built with (null: a fresh connector).</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The column-hashing salt (base64), generated once.</summary>
    public string? Salt { get; init; }

    /// <summary>Where the stream started (read before the first chunk; moved by a position loss).</summary>
    public string? StreamStart { get; init; }

    /// <summary>Where a restart resumes the stream: every table committed the changes before it.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Tables by <see cref="TableId.ToString"/>.</summary>
    public ImmutableDictionary<string, TableProgress> Tables { get; init; } = ImmutableDictionary<string, TableProgress>.Empty;

    /// <summary>The latest notable events, oldest first (at most <see cref="MaxEvents"/>).</summary>
    public ImmutableList<NotableEvent> Events { get; init; } = [];

    public bool IsInitialized => Fingerprint is not null;

    public TableProgress? Table(TableId table) => Tables.GetValueOrDefault(table.ToString());

    public ConnectorState Apply(IConnectorEvent e) => e switch
    {
        ConnectorInitialized i => this with { Fingerprint = i.Fingerprint, Salt = i.Salt },
        ConfigurationChanged c => WithAllTables(TablePhase.NeedsResync, "the connector's configuration changed") with
        {
            Fingerprint = c.Fingerprint,
            Events = AddEvent(new NotableEvent("configuration_changed", null, "every table is re-synced", c.At)),
        },
        StreamStartRecorded s => this with { StreamStart = s.Position, Checkpoint = s.Position },
        TableAdded a => Set(new TableProgress(a.Table, TablePhase.Pending, null, 0, a.RowsEstimated, a.BooleanColumns, null)),
        TableSnapshotStarted s => Set(new TableProgress(s.Table, TablePhase.Snapshotting, null, 0, s.RowsEstimated, s.BooleanColumns, null)),
        ChunkCommitted c => Update(c.Table, t => t with { Phase = TablePhase.Snapshotting, LastKey = c.LastKey, RowsCopied = c.RowsCopied }),
        TableSnapshotCompleted c => Update(c.Table, t => t with { Phase = TablePhase.Streaming, LastKey = null, RowsCopied = c.RowsCopied, ResyncReason = null }),
        TableResyncRequested r => Update(r.Table, t => t with { Phase = TablePhase.NeedsResync, LastKey = null, ResyncReason = r.Reason }) with
        {
            Events = AddEvent(new NotableEvent("forced_resync_table", r.Table.ToString(), r.Reason, r.At)),
        },
        TableRemoved r => this with
        {
            Tables = Tables.Remove(r.Table.ToString()),
            Events = AddEvent(new NotableEvent("table_removed", r.Table.ToString(), r.Reason, r.At)),
        },
        CheckpointAdvanced c => this with { Checkpoint = c.Position },
        PositionLost p => WithAllTables(TablePhase.NeedsResync, "the binlog position was lost: " + p.Reason) with
        {
            StreamStart = p.NewPosition,
            Checkpoint = p.NewPosition,
            Events = AddEvent(new NotableEvent("position_lost", null,
                $"{p.Reason}; the stream restarts at {p.NewPosition} and every table is re-synced", p.At)),
        },
        _ => throw new ArgumentException($"unknown connector event {e.GetType().Name}", nameof(e)),
    };

    private ConnectorState Set(TableProgress table) => this with { Tables = Tables.SetItem(table.Table.ToString(), table) };

    private ConnectorState Update(TableId table, Func<TableProgress, TableProgress> change) =>
        Tables.TryGetValue(table.ToString(), out var current) ? Set(change(current)) : this;

    private ConnectorState WithAllTables(TablePhase phase, string reason) => this with
    {
        Tables = Tables.ToImmutableDictionary(p => p.Key, p => p.Value with { Phase = phase, LastKey = null, ResyncReason = reason }),
    };

    private ImmutableList<NotableEvent> AddEvent(NotableEvent notable)
    {
        var events = Events.Add(notable);
        return events.Count > MaxEvents ? events.RemoveRange(0, events.Count - MaxEvents) : events;
    }
}
