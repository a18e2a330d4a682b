using MySqlConnector;
using Sluice.Binlog.Client;
using Sluice.Binlog.Protocol;
using Sluice.Replication.Positions;

namespace Sluice.Actors.Snapshot;

/// <summary>Reads the source's current binlog position on an open MySqlConnector connection (a chunk's high watermark).</summary>
public static class SourcePositions
{
    /// <summary>The current position (see <see cref="CurrentPosition"/>) as <see cref="BinlogPositionText"/>.</summary>
    public static async Task<string> ReadCurrentAsync(MySqlConnection connection, CancellationToken ct) =>
        BinlogPositionText.Format(await CurrentPosition.ReadAsync(connection.ServerVersion,
            (sql, token) => QueryAsync(connection, sql, token), ct).ConfigureAwait(false));

    private static async Task<QueryResult?> QueryAsync(MySqlConnection connection, string sql, CancellationToken ct)
    {
        try
        {
            await using var command = new MySqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var columns = new string[reader.FieldCount];
            for (var i = 0; i < columns.Length; i++) columns[i] = reader.GetName(i);
            var rows = new List<string?[]>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var row = new string?[columns.Length];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                }
                rows.Add(row);
            }
            return new QueryResult(columns, rows);
        }
        catch (MySqlException ex) when (ex.Number == CurrentPosition.SyntaxErrorCode)
        {
            return null;
        }
    }
}
