using System.Globalization;
using System.Text;
using MySqlConnector;

namespace Sluice.Bench;

/// <summary>
/// Writes a binlog workload: row changes in transactions of <c>perTransaction</c>, 60% inserts, 30% updates and 10%
/// deletes, on a table with BIGINT, INT, DECIMAL, VARCHAR, DATETIME(6), TEXT and TINYINT(1) columns.
/// </summary>
internal static class WorkloadGenerator
{
    public const string Table = "bench_changes";

    public static async Task<long> WriteAsync(BenchServer server, string database, long rowChanges, int perTransaction, bool dropTable = true)
    {
        await using var conn = new MySqlConnection(server.RootConnectionString());
        await conn.OpenAsync();
        await Exec(conn, $"CREATE DATABASE IF NOT EXISTS `{database}`");
        await Exec(conn, $"USE `{database}`");
        if (dropTable) await Exec(conn, $"DROP TABLE IF EXISTS {Table}");
        await Exec(conn, $"""
            CREATE TABLE IF NOT EXISTS {Table} (
              id BIGINT NOT NULL PRIMARY KEY,
              qty INT NOT NULL,
              price DECIMAL(12,2) NOT NULL,
              name VARCHAR(64) NOT NULL,
              updated DATETIME(6) NOT NULL,
              note TEXT,
              active TINYINT(1) NOT NULL
            ) ENGINE=InnoDB
            """);

        var inserts = perTransaction * 6 / 10;
        var updates = perTransaction * 3 / 10;
        var deletes = perTransaction - inserts - updates;
        var transactions = rowChanges / perTransaction;
        long nextId = 1, firstLive = 1, written = 0;
        var note = new string('n', 90);
        var sb = new StringBuilder(16 * 1024);
        for (long t = 0; t < transactions; t++)
        {
            sb.Clear();
            sb.Append("START TRANSACTION;INSERT INTO ").Append(Table).Append(" VALUES ");
            for (var i = 0; i < inserts; i++)
            {
                var id = nextId++;
                if (i > 0) sb.Append(',');
                sb.Append('(').Append(id).Append(',').Append(id % 1000).Append(',')
                  .Append((id % 100000 / 100m).ToString("0.00", CultureInfo.InvariantCulture))
                  .Append(",'name-").Append(id).Append("','2024-05-06 07:08:09.")
                  .Append((id % 1000000).ToString("000000", CultureInfo.InvariantCulture)).Append("','")
                  .Append(note).Append("',").Append(id % 2).Append(')');
            }
            sb.Append(';');
            // Update rows written by earlier transactions, then delete the oldest live ones.
            var updFrom = Math.Max(firstLive, nextId - inserts - updates);
            sb.Append("UPDATE ").Append(Table).Append(" SET qty = qty + 1, updated = NOW(6) WHERE id >= ")
              .Append(updFrom).Append(" AND id < ").Append(updFrom + updates).Append(';');
            sb.Append("DELETE FROM ").Append(Table).Append(" WHERE id >= ").Append(firstLive)
              .Append(" AND id < ").Append(firstLive + deletes).Append(";COMMIT;");
            firstLive += deletes;
            await Exec(conn, sb.ToString());
            written += perTransaction;
        }
        return written;
    }

    private static async Task Exec(MySqlConnection conn, string sql)
    {
        await using var cmd = new MySqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
