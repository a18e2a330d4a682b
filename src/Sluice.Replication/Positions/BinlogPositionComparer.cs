using Sluice.Binlog.Client;

namespace Sluice.Replication.Positions;

/// <summary>
/// Orders binlog positions (and their <see cref="BinlogPositionText"/> strings): by the file's sequence number (the
/// numeric suffix of <c>base.NNNNNN</c>, compared as a number, so <c>.1000000</c> follows <c>.999999</c>), then by
/// the file base name (ordinal; only matters if the server's log basename changed), then by the offset in the file.
/// GTID state does not take part: two positions at the same file and offset are the same place. A file name without
/// numeric suffix sorts before every numbered one (an empty name is a position the server has not named yet); null
/// sorts first. Strings that are not <see cref="BinlogPositionText"/> throw <see cref="FormatException"/>.
/// </summary>
public sealed class BinlogPositionComparer : IComparer<string>, IComparer<BinlogPosition>
{
    public static BinlogPositionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return Compare(BinlogPositionText.Parse(x), BinlogPositionText.Parse(y));
    }

    public int Compare(BinlogPosition? x, BinlogPosition? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var c = BinlogPositionText.FileSequence(x.FileName).CompareTo(BinlogPositionText.FileSequence(y.FileName));
        if (c != 0) return c;
        c = string.CompareOrdinal(BinlogPositionText.FileBase(x.FileName), BinlogPositionText.FileBase(y.FileName));
        if (c != 0) return c;
        return x.Position.CompareTo(y.Position);
    }
}
