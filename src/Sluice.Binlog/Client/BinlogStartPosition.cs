using Sluice.Binlog.Gtid;

namespace Sluice.Binlog.Client;

/// <summary>How a stream starts.</summary>
public enum BinlogStartKind
{
    /// <summary>A binlog file and position.</summary>
    FilePosition,

    /// <summary>After a MySQL executed GTID set (COM_BINLOG_DUMP_GTID; needs gtid_mode=ON).</summary>
    MySqlGtidSet,

    /// <summary>After a MariaDB GTID position (one GTID per domain; <c>@slave_connect_state</c>).</summary>
    MariaDbGtid,

    /// <summary>The server's current end of binlog (SHOW MASTER STATUS at connect): only new changes.</summary>
    Current,

    /// <summary>The start of the oldest binlog file the server still has (SHOW BINARY LOGS).</summary>
    Earliest,
}

/// <summary>Where <see cref="BinlogClient.StreamAsync"/> starts. Build one with the static factories.</summary>
public sealed record BinlogStartPosition
{
    private BinlogStartPosition(BinlogStartKind kind) => Kind = kind;

    public BinlogStartKind Kind { get; }
    public string FileName { get; private init; } = "";
    public long Position { get; private init; } = 4;
    public MySqlGtidSet? MySqlGtids { get; private init; }
    public MariaDbGtidList? MariaDbGtids { get; private init; }

    public static BinlogStartPosition Current { get; } = new(BinlogStartKind.Current);
    public static BinlogStartPosition Earliest { get; } = new(BinlogStartKind.Earliest);

    /// <summary>From <paramref name="fileName"/> at <paramref name="position"/> (4 = the first event of the file).</summary>
    public static BinlogStartPosition FromFile(string fileName, long position = 4)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentOutOfRangeException.ThrowIfLessThan(position, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, uint.MaxValue);
        return new(BinlogStartKind.FilePosition) { FileName = fileName, Position = position };
    }

    /// <summary>After the transactions of <paramref name="executed"/> (MySQL; the set is copied).</summary>
    public static BinlogStartPosition FromMySqlGtidSet(MySqlGtidSet executed) =>
        new(BinlogStartKind.MySqlGtidSet) { MySqlGtids = executed.Clone() };

    /// <summary>After the GTIDs of <paramref name="position"/> (MariaDB; the list is copied). Empty = from the oldest binlog.</summary>
    public static BinlogStartPosition FromMariaDbGtid(MariaDbGtidList position) =>
        new(BinlogStartKind.MariaDbGtid) { MariaDbGtids = position.Clone() };

    /// <summary>From a MariaDB GTID position in text form, e.g. <c>0-1-100,1-2-5</c>.</summary>
    public static BinlogStartPosition FromMariaDbGtid(string position) => FromMariaDbGtid(MariaDbGtidList.Parse(position));

    /// <summary>
    /// Resumes after a position a previous stream reported (take it from an item with
    /// <see cref="BinlogStreamItem.IsTransactionBoundary"/>): by GTID when the position has a GTID state, else by file.
    /// </summary>
    public static BinlogStartPosition ResumeFrom(BinlogPosition position, bool preferGtid = true)
    {
        if (preferGtid && position.MariaDbGtids is not null) return FromMariaDbGtid(position.MariaDbGtids);
        if (preferGtid && position.MySqlGtids is not null) return FromMySqlGtidSet(position.MySqlGtids);
        return FromFile(position.FileName, position.Position);
    }

    public override string ToString() => Kind switch
    {
        BinlogStartKind.FilePosition => $"{FileName}:{Position}",
        BinlogStartKind.MySqlGtidSet => $"MySQL GTID set {MySqlGtids}",
        BinlogStartKind.MariaDbGtid => $"MariaDB GTID {MariaDbGtids}",
        _ => Kind.ToString(),
    };
}
