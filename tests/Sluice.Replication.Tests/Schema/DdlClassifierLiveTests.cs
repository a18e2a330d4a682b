using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Replication.Schema;
using Sluice.Replication.Tests.Changes;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Schema;

/// <summary>DDL run on the live MariaDB, streamed back as QUERY events and classified as the server logged it.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class DdlClassifierLiveTests(MariaDbServer server)
{
    [Fact]
    public async Task Ddl_as_the_server_logs_it_is_classified()
    {
        var db = await server.DatabaseForAsync(GetType());
        var other = await server.CreateDatabaseAsync("ddlother");
        var start = await BinlogChanges.PositionAsync(server);
        string[] statements =
        [
            "CREATE TABLE `a``b` (id INT PRIMARY KEY, v VARCHAR(10))",
            "CREATE TABLE c LIKE `a``b`",
            "CREATE TABLE d SELECT 1 AS id",
            "CREATE OR REPLACE TABLE d (id INT)",
            "ALTER TABLE c ADD COLUMN w INT, ALGORITHM=COPY",
            "ALTER ONLINE TABLE c MODIFY w INT NOT NULL DEFAULT 0 COMMENT 'x', ALTER COLUMN v SET DEFAULT 'y'",
            "CREATE TEMPORARY TABLE tmp (id INT); INSERT INTO tmp VALUES (1); DROP TEMPORARY TABLE tmp",
            $"RENAME TABLE c TO e, d TO `{other.Name}`.f",
            "TRUNCATE TABLE e",
            $"DROP TABLE e, `{other.Name}`.f",
            "CREATE INDEX iv ON `a``b` (v)",
            "DROP TABLE IF EXISTS `a``b`, missing",
        ];
        foreach (var sql in statements) await db.ExecuteAsync(sql);

        var classified = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var item in BinlogChanges.Client(server).StreamAsync(BinlogStartPosition.FromFile(start.FileName, start.Position), cts.Token))
        {
            if (item.Event is not QueryEvent query) continue;
            var result = DdlClassifier.Classify(query);
            if (result.Kind == DdlKind.Ignore) continue;
            if (!result.Tables.Any(t => t.Schema == db.Name || t.Schema == other.Name)) continue;
            classified.Add(DdlClassifierTests.Describe(result).Replace(db.Name + ".", "", StringComparison.Ordinal)
                .Replace(other.Name + ".", "other.", StringComparison.Ordinal));
        }

        Assert.Equal(
        [
            "CreateTable a`b",
            "CreateTable c like=a`b",
            "CreateTable d", // logged as a plain CREATE TABLE followed by row events
            "CreateTable d replace",
            "AlterTable c AddColumn|Other",
            "AlterTable c ModifyColumn|Other",
            "RenameTable c>e,d>other.f",
            "TruncateTable e",
            "DropTable e,other.f",
            "AlterTable a`b Index",
            "DropTable a`b,missing",
        ], classified);
    }
}
