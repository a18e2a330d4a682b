using System.Runtime.CompilerServices;
using Sluice.Binlog.Events;
using Sluice.Binlog.Gtid;

namespace Sluice.Binlog.Client;

/// <summary>
/// Follows the stream's position: the file and next-event offset, the GTID state after the last committed transaction,
/// and whether the stream is between transactions. A transaction ends with an XID, a COMMIT/ROLLBACK (or XA) query,
/// an XA_PREPARE or a TRANSACTION_PAYLOAD; a query outside BEGIN (DDL, MariaDB standalone group) ends its own group.
/// GTID snapshots are replaced, never mutated, so positions handed out stay valid.
/// </summary>
internal sealed class PositionTracker
{
    private MySqlGtid? _pendingMySql;
    private MariaDbGtid? _pendingMariaDb;
    private bool _inTransaction;
    private bool _inGroup;
    private BinlogPosition _current;

    public PositionTracker(BinlogPosition start)
    {
        _current = start;
        LastBoundary = start;
    }

    public BinlogPosition Current => _current;

    /// <summary>The position after the last complete transaction (or the start).</summary>
    public BinlogPosition LastBoundary { get; private set; }

    public bool AtBoundary => !_inTransaction && !_inGroup;

    /// <summary>Returns to the last boundary (after a reconnect from there).</summary>
    public void ResetToBoundary()
    {
        _current = LastBoundary;
        _pendingMySql = null;
        _pendingMariaDb = null;
        _inTransaction = _inGroup = false;
    }

    /// <summary>Accounts for one event; returns whether the position after it is a transaction boundary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Apply(BinlogEvent e)
    {
        var header = e.Header;
        var file = _current.FileName;
        var position = _current.Position;
        var mySql = _current.MySqlGtids;
        var mariaDb = _current.MariaDbGtids;

        switch (e)
        {
            case RotateEvent rotate:
                file = rotate.NextFileName;
                position = (long)rotate.Position;
                break;
            case HeartbeatEvent:
                return AtBoundary; // says nothing about the position we consumed
            default:
                if (header.NextPosition != 0 && !header.IsArtificial) position = header.NextPosition;
                break;
        }

        var ends = false;
        switch (e)
        {
            case GtidEvent gtid:
                _pendingMySql = gtid.IsAnonymous ? null : gtid.Gtid;
                _inGroup = true;
                break;
            case MariaDbGtidEvent gtid:
                _pendingMariaDb = gtid.Gtid;
                if (gtid.IsStandalone) _inGroup = true;
                else _inTransaction = true; // MariaDB's GTID event stands for BEGIN
                break;
            case QueryEvent query:
                var sql = query.Sql.AsSpan().Trim();
                if (sql.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("XA START", StringComparison.OrdinalIgnoreCase))
                    _inTransaction = true;
                else if (IsTransactionEnd(sql) || !_inTransaction)
                    ends = true;
                break;
            case XidEvent or XaPrepareEvent:
                ends = true;
                break;
            case PreviousGtidsEvent previous when mySql is null:
                mySql = previous.GtidSet.Clone();
                break;
            case MariaDbGtidListEvent list when mariaDb is null && AtBoundary:
                mariaDb = HighestPerDomain(list.Gtids);
                break;
            default:
                if (header.EventType == BinlogEventType.TransactionPayload) ends = true;
                break;
        }

        if (ends)
        {
            if (_pendingMySql is { } g1 && mySql is not null)
            {
                mySql = mySql.Clone();
                mySql.Add(g1);
            }
            if (_pendingMariaDb is { } g2 && mariaDb is not null)
            {
                mariaDb = mariaDb.Clone();
                mariaDb.Advance(g2);
            }
            _pendingMySql = null;
            _pendingMariaDb = null;
            _inTransaction = _inGroup = false;
        }

        if (file != _current.FileName || position != _current.Position || !ReferenceEquals(mySql, _current.MySqlGtids) ||
            !ReferenceEquals(mariaDb, _current.MariaDbGtids))
        {
            _current = new BinlogPosition(file, position, mySql, mariaDb);
        }
        if (AtBoundary) LastBoundary = _current;
        return AtBoundary;
    }

    private static bool IsTransactionEnd(ReadOnlySpan<char> sql) =>
        sql.Equals("COMMIT", StringComparison.OrdinalIgnoreCase) ||
        sql.Equals("ROLLBACK", StringComparison.OrdinalIgnoreCase) ||
        sql.StartsWith("XA COMMIT", StringComparison.OrdinalIgnoreCase) ||
        sql.StartsWith("XA ROLLBACK", StringComparison.OrdinalIgnoreCase) ||
        sql.StartsWith("XA PREPARE", StringComparison.OrdinalIgnoreCase);

    /// <summary>A GTID_LIST holds the binlog state (per domain and server id): keep the highest sequence per domain.</summary>
    private static MariaDbGtidList HighestPerDomain(IEnumerable<MariaDbGtid> gtids)
    {
        var list = new MariaDbGtidList();
        foreach (var g in gtids)
        {
            if (!list.TryGet(g.DomainId, out var have) || g.Sequence > have.Sequence) list.Advance(g);
        }
        return list;
    }
}
