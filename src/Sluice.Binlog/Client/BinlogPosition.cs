using System.Globalization;
using Sluice.Binlog.Gtid;

namespace Sluice.Binlog.Client;

/// <summary>
/// A place in the binlog: the file and the offset of the next event in it, and the GTID state there when known
/// (MySQL: the executed GTID set; MariaDB: the last GTID per domain). The GTID objects are snapshots: never mutate them.
/// </summary>
/// <param name="FileName">Binlog file name ("" until the server has named it, e.g. right after a GTID start).</param>
/// <param name="Position">Offset of the next event in <paramref name="FileName"/>.</param>
public sealed record BinlogPosition(string FileName, long Position, MySqlGtidSet? MySqlGtids = null, MariaDbGtidList? MariaDbGtids = null)
{
    /// <summary>The position as text: <c>file:pos</c>, plus the GTID state when known.</summary>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{FileName}:{Position}");
        if (MariaDbGtids is not null) text += $" gtid={MariaDbGtids}";
        if (MySqlGtids is not null) text += $" gtid={MySqlGtids}";
        return text;
    }
}
