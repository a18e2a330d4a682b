using MySqlConnector;
using Sluice.Binlog.Client;
using Sluice.Binlog.Gtid;
using Sluice.Replication.Positions;

namespace Sluice.Actors.Snapshot;

/// <summary>Reads the source's current binlog position on an open MySqlConnector connection (a chunk's high watermark).</summary>
public static class SourcePositions
{
    /// <summary>SHOW MASTER STATUS (+ MariaDB's @@gtid_binlog_pos) as <see cref="BinlogPositionText"/>.</summary>
    public static async Task<string> ReadCurrentAsync(MySqlConnection connection, CancellationToken ct)
    {
        string file;
        long position;
        string? executed = null;
        await using (var command = new MySqlCommand("SHOW MASTER STATUS", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException("SHOW MASTER STATUS returned no row: the source has no binary log");
            }
            file = reader.GetString(0);
            position = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (string.Equals(reader.GetName(i), "Executed_Gtid_Set", StringComparison.OrdinalIgnoreCase) && !reader.IsDBNull(i))
                {
                    executed = reader.GetString(i);
                }
            }
        }
        if (connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            await using var command = new MySqlCommand("SELECT @@GLOBAL.gtid_binlog_pos", connection);
            var gtid = Convert.ToString(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            return BinlogPositionText.Format(new BinlogPosition(file, position, MariaDbGtids: MariaDbGtidList.Parse(gtid)));
        }
        return BinlogPositionText.Format(executed is null
            ? new BinlogPosition(file, position)
            : new BinlogPosition(file, position, MySqlGtids: MySqlGtidSet.Parse(executed)));
    }
}
