using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Errors;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Replication.Tests.Destinations.DuckDb;

/// <summary>
/// Text with NUL and control bytes, schema names that clash with DuckDB's catalogs or Sluice's ledger, and a
/// destination that lost tables or its ledger, on real DuckDB files.
/// </summary>
public sealed class DuckDbDestinationNamesAndBytesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-names-" + Guid.NewGuid().ToString("N")[..10]);

    public DuckDbDestinationNamesAndBytesTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string file) => Path.Combine(_directory, file);

    private const string Nul = "a\0b";
    private const string Controls = "nul\0byte\u0001\u001f";

    private static DestinationTable Keyed(string schema) => new(new TableId(schema, "t"),
    [
        new DestinationColumn("k", DestinationType.String, PrimaryKeyOrdinal: 1),
        new DestinationColumn("v", DestinationType.String),
    ]);

    private static readonly DestinationTable Unkeyed = new(new TableId("shop", "nokey"),
    [
        new DestinationColumn("v", DestinationType.String),
        new DestinationColumn("n", DestinationType.Integer),
    ]);

    private static List<object?[]> Query(DuckDbDestination destination, string sql) => TempDuckDbFile.Query(destination.Connection, sql);

    [Fact]
    public async Task Text_with_nul_and_control_bytes_keeps_every_byte_in_snapshot_merge_and_deletes()
    {
        await using var destination = await DuckDbDestination.OpenAsync(PathOf("bytes.duckdb"));
        var table = Keyed("shop");

        // The snapshot's direct append, then a chunk with an existing key (merged through staging).
        await destination.WriteSnapshotChunkAsync(table, [[Nul, Controls], ["plain", "x\0"], ["\0", "\0\0"]], "s1");
        Assert.Equal(
            [["\0", "\0\0", false], [Nul, Controls, false], ["plain", "x\0", false]],
            Query(destination, "SELECT k, v, _fivetran_deleted FROM shop.t ORDER BY k"));
        await destination.WriteSnapshotChunkAsync(table, [[Nul, Controls + "\0"]], "s2");

        // The stream: an update keyed by a NUL key, a key change, and a delete by key of a NUL key.
        await destination.ApplyAsync(table,
        [
            RowChange.Update([Nul, Controls + "\0"], [Nul, "\0z"]),
            RowChange.Update(["plain", "x\0"], ["pl\0ain", "y\0"]),
            RowChange.DeleteByKey(["\0", null]),
        ], "b1");
        Assert.Equal(
            [
                ["\0", "\0\0", true],
                [Nul, "\0z", false],
                ["pl\0ain", "y\0", false],
                ["plain", "x\0", true],
            ],
            Query(destination, "SELECT k, v, _fivetran_deleted FROM shop.t ORDER BY k"));
        Assert.Equal([[3L, 2L]], Query(destination, "SELECT length(k), length(v) FROM shop.t WHERE k = 'a' || chr(0) || 'b'"));
    }

    [Fact]
    public async Task Text_with_nul_bytes_in_a_table_without_primary_key_keeps_its_bytes_and_identity()
    {
        await using var destination = await DuckDbDestination.OpenAsync(PathOf("nokey.duckdb"));
        var kinds = new[] { DestinationTypeKind.String, DestinationTypeKind.Integer };
        await destination.WriteSnapshotChunkAsync(Unkeyed, [[Controls, 1L], ["nul", 1L]], "s1");
        await destination.ApplyAsync(Unkeyed, [RowChange.Delete([Controls, 1L]), RowChange.Upsert([Nul, 2L])], "b1");
        Assert.Equal(
            [
                ["nul", 1, false, CanonicalValues.Hash(["nul", 1L], kinds)],
                [Controls, 1, true, CanonicalValues.Hash([Controls, 1L], kinds)],
                [Nul, 2, false, CanonicalValues.Hash([Nul, 2L], kinds)],
            ],
            Query(destination, "SELECT v, n, _fivetran_deleted, _fivetran_id FROM shop.nokey ORDER BY _fivetran_index, v"));
    }

    [Theory]
    [InlineData("shop.duckdb", "shop")]
    [InlineData("replica.duckdb", "temp")]
    [InlineData("replica.duckdb", "main")]
    [InlineData("replica.duckdb", "system")]
    [InlineData("replica.duckdb", "replica")]
    public async Task A_schema_named_like_the_files_catalog_or_a_duckdb_catalog_works(string file, string schema)
    {
        var table = Keyed(schema);
        await using (var destination = await DuckDbDestination.OpenAsync(PathOf(file)))
        {
            await destination.WriteSnapshotChunkAsync(table, [["1", "a"], ["2", "b"]], "s1");
            await destination.ApplyAsync(table, [RowChange.Update(["1", "a"], ["1", "c"]), RowChange.DeleteByKey(["2", null])], "b1");
            Assert.Equal("b1", await destination.ReadPositionAsync(table.Id));
            Assert.True(await destination.HasTableAsync(table.Id));
            var catalog = Path.GetFileNameWithoutExtension(file);
            Assert.Equal(
                [["1", "c", false], ["2", "b", true]],
                Query(destination, $"SELECT k, v, _fivetran_deleted FROM \"{catalog}\".\"{schema}\".t ORDER BY k"));
            await destination.DropTableAsync(table.Id);
            Assert.False(await destination.HasTableAsync(table.Id));
            await destination.WriteSnapshotChunkAsync(table, [["3", "d"]], "s2");
        }

        // Reopened: the same file, the same catalog-qualified names.
        await using var again = await DuckDbDestination.OpenAsync(PathOf(file));
        Assert.Equal("s2", await again.ReadPositionAsync(table.Id));
    }

    [Theory]
    [InlineData("_sluice", "positions")]
    [InlineData("_SLUICE", "other")]
    public async Task A_source_schema_named_like_the_ledgers_is_refused_and_the_ledger_is_untouched(string schema, string name)
    {
        await using var destination = await DuckDbDestination.OpenAsync(PathOf("ledger.duckdb"));
        await destination.WriteSnapshotChunkAsync(Keyed("shop"), [["1", "a"]], "s1");
        var clash = new DestinationTable(new TableId(schema, name),
        [
            new DestinationColumn("schema_name", DestinationType.String, PrimaryKeyOrdinal: 1),
            new DestinationColumn("position", DestinationType.String),
        ]);

        var ensure = await Assert.ThrowsAsync<ReplicationActionRequiredException>(() => destination.EnsureTableAsync(clash));
        Assert.Contains($"source schema {schema}", ensure.Message, StringComparison.Ordinal);
        Assert.Contains($"excludeSchemas: [\"{schema}\"]", ensure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ReplicationActionRequiredException>(() => destination.DropTableAsync(clash.Id));
        await Assert.ThrowsAsync<ReplicationActionRequiredException>(() => destination.ApplyAsync(clash, [RowChange.Upsert(["x", "y"])], "b1"));

        Assert.Equal("s1", await destination.ReadPositionAsync(Keyed("shop").Id));
        Assert.Equal([["shop", "t", "s1"]], Query(destination, "SELECT schema_name, table_name, position FROM _sluice.positions"));
    }

    [Theory]
    [InlineData("_fivetran_deleted")]
    [InlineData("_FIVETRAN_SYNCED")]
    [InlineData("_fivetran_id")]
    [InlineData("_Fivetran_Index")]
    public async Task A_source_column_named_like_a_system_column_is_refused_naming_it_and_the_exclusion(string column)
    {
        await using var destination = await DuckDbDestination.OpenAsync(PathOf("system.duckdb"));
        var clash = new DestinationTable(new TableId("shop", "t"),
        [
            new DestinationColumn("id", DestinationType.Long, PrimaryKeyOrdinal: 1),
            new DestinationColumn(column, DestinationType.Boolean),
        ]);
        var ex = await Assert.ThrowsAsync<ReplicationActionRequiredException>(() => destination.EnsureTableAsync(clash));
        Assert.Contains($"the source column {column} has the name of a column Sluice adds", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"excludeColumns: [\"shop.t.{column}\"]", ex.Message, StringComparison.Ordinal);
        Assert.False(await destination.HasTableAsync(clash.Id));
    }

    [Fact]
    public async Task A_lost_ledger_or_a_dropped_table_is_detected()
    {
        var path = PathOf("lost.duckdb");
        Assert.False(await DuckDbDestination.HasLedgerAsync(path));

        // A file created empty (as a pre-flight check or another tool would) holds no ledger.
        await using (var empty = DuckDbFiles.Connection(path))
        {
            await empty.OpenAsync();
        }
        Assert.True(File.Exists(path));
        Assert.False(await DuckDbDestination.HasLedgerAsync(path));

        await using (var destination = await DuckDbDestination.OpenAsync(path))
        {
            await destination.WriteSnapshotChunkAsync(Keyed("shop"), [["1", "a"]], "s1");
            await destination.WriteSnapshotChunkAsync(Keyed("crm"), [["1", "a"]], "s1");
        }
        Assert.True(await DuckDbDestination.HasLedgerAsync(path));

        await using (var destination = await DuckDbDestination.OpenAsync(path))
        {
            TempDuckDbFile.Query(destination.Connection, "DROP TABLE crm.t");
            Assert.True(await destination.HasTableAsync(Keyed("shop").Id));
            Assert.False(await destination.HasTableAsync(Keyed("crm").Id));
            TempDuckDbFile.Query(destination.Connection, "DROP TABLE _sluice.positions");
        }
        Assert.False(await DuckDbDestination.HasLedgerAsync(path));
    }
}
