using DuckDB.NET.Data;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;
using Sluice.Replication.Verify;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Verify;

/// <summary>
/// Text with NUL and control bytes in key and non-key columns, copied from a real MariaDB into a DuckDB file named
/// like the source schema (so the file's catalog and the schema share a name), then verified and corrupted.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class VerifierBytesAndNamesTests(MariaDbServer server) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-vbytes-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Nul_and_control_bytes_survive_the_snapshot_and_verify_compares_every_byte()
    {
        var db = await server.CreateDatabaseAsync("vbytes");
        await db.ExecuteAsync("""
            CREATE TABLE fixed (k CHAR(10) PRIMARY KEY, v VARCHAR(40));
            INSERT INTO fixed VALUES ('a\0b', CONCAT('nul', CHAR(0), 'byte', CHAR(1), CHAR(31))), ('a', 'plain'), ('\0', CONCAT('x', CHAR(0), CHAR(1), CHAR(31))),
              ('c\0\0', NULL), ('d', '\0');
            CREATE TABLE loose (v VARCHAR(40), n INT);
            INSERT INTO loose VALUES (CONCAT('nul', CHAR(0), 'byte', CHAR(1), CHAR(31)), 1), ('nul', 1), (CONCAT('nul', CHAR(0), 'byte', CHAR(1), CHAR(31)), 1);
            """);
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, db.Name + ".duckdb"); // the file's catalog is named like the schema

        await using var source = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var filter = DiscoveryFilter.FromNames(includeSchemas: [db.Name]);
        var tables = new List<TableMapping>();
        foreach (var table in await SchemaDiscovery.DiscoverAsync(source, filter))
        {
            tables.Add(TypeMapper.MapTable(table, await TypeMapper.ObserveBooleanTinyIntsAsync(source, table)));
        }
        await using (var destination = await DuckDbDestination.OpenAsync(path))
        {
            foreach (var table in tables)
            {
                if (table.Source.HasPrimaryKey)
                {
                    // Chunks of two: the next chunk starts after a key holding NUL bytes.
                    object?[]? last = null;
                    for (var n = 0; ; n++)
                    {
                        var chunk = await ChunkReader.ReadChunkAsync(source, table, last, 2);
                        await destination.WriteSnapshotChunkAsync(table.Destination, chunk.Rows, "snapshot:" + n);
                        if (chunk.IsLast) break;
                        last = chunk.LastKey;
                    }
                }
                else
                {
                    await foreach (var batch in ChunkReader.ReadWholeTableAsync(source, table, 2))
                    {
                        await destination.WriteSnapshotChunkAsync(table.Destination, batch, "snapshot:" + Guid.NewGuid());
                    }
                }
            }

            Assert.Equal(
                [
                    ["\0", "x\0\u0001\u001f"],
                    ["a", "plain"],
                    ["a\0b", "nul\0byte\u0001\u001f"],
                    ["c\0\0", null],
                    ["d", "\0"],
                ],
                TempDuckDbFile.Query(destination.Connection, $"SELECT k, v FROM \"{db.Name}\".\"{db.Name}\".fixed ORDER BY k"));
            Assert.Equal(
                [["nul", 1], ["nul\0byte\u0001\u001f", 1]],
                TempDuckDbFile.Query(destination.Connection, $"SELECT v, n FROM \"{db.Name}\".\"{db.Name}\".loose ORDER BY v"));
        }

        await using (var connection = await DatabaseVerifier.OpenReadOnlyAsync(path))
        {
            var report = await DatabaseVerifier.VerifyAsync(source, connection, filter);
            Assert.True(report.IsClean, report.ToText());
        }

        // Text cut at its NUL byte (what a NUL-terminated copy does) is a difference, in a key and in a value.
        await using (var connection = new DuckDBConnection(DuckDbFiles.ConnectionString(path)))
        {
            await connection.OpenAsync();
            TempDuckDbFile.Query(connection,
                $"UPDATE \"{db.Name}\".\"{db.Name}\".fixed SET v = 'nul' WHERE k = 'a' || chr(0) || 'b'; " +
                $"UPDATE \"{db.Name}\".\"{db.Name}\".fixed SET k = 'c' WHERE k = 'c' || chr(0) || chr(0)");
        }
        await using (var connection = await DatabaseVerifier.OpenReadOnlyAsync(path))
        {
            var report = await DatabaseVerifier.VerifyAsync(source, connection, filter);
            var fixedTable = report.Tables.Single(t => t.Table.Name == "fixed");
            Assert.Equal((1L, 1L, 1L), (fixedTable.DifferentCount, fixedTable.MissingCount, fixedTable.ExtraCount));
            Assert.True(report.Tables.Single(t => t.Table.Name == "loose").IsClean);
        }
    }
}
