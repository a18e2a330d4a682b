using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Errors;
using Sluice.Replication.Mapping;

namespace Sluice.Replication.Tests.Destinations.DuckDb;

/// <summary>Destination tables that cannot be written as Sluice would: reported as needing the user, nothing lost.</summary>
public sealed class DuckDbDestinationConflictTests : IAsyncLifetime
{
    private readonly TempDuckDbFile _file = new();
    private DuckDbDestination _destination = null!;

    private static readonly DestinationTable Items = new(new TableId("shop", "items"),
    [
        new DestinationColumn("id", DestinationType.Long, PrimaryKeyOrdinal: 1),
        new DestinationColumn("name", DestinationType.String),
    ]);

    public async Task InitializeAsync() => _destination = await DuckDbDestination.OpenAsync(_file.Path);

    public async Task DisposeAsync()
    {
        await _destination.DisposeAsync();
        _file.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _destination.Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task A_table_made_by_hand_with_other_columns_needs_the_user_and_keeps_its_rows()
    {
        Execute("CREATE SCHEMA shop; CREATE TABLE shop.items (sku VARCHAR, qty INTEGER); INSERT INTO shop.items VALUES ('a', 1)");

        var ex = await Assert.ThrowsAsync<ReplicationActionRequiredException>(
            () => _destination.WriteSnapshotChunkAsync(Items, [[1L, "x"]], "snapshot:1"));

        Assert.Equal(FailureKind.NeedsAction, ReplicationFailure.Classify(ex));
        Assert.Contains("shop.items", ex.Message, StringComparison.Ordinal);
        Assert.Contains("id, name", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_file.Path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        var rows = TempDuckDbFile.Query(_destination.Connection, "SELECT sku, qty FROM shop.items");
        Assert.Equal([["a", 1]], rows);
    }

    [Theory]
    [InlineData("_fivetran_deleted")]
    [InlineData("_fivetran_synced")]
    [InlineData("_FIVETRAN_ID")]
    [InlineData("_fivetran_index")]
    public async Task A_source_column_named_like_a_system_column_is_refused_with_the_fix(string column)
    {
        var table = new DestinationTable(new TableId("shop", "clash"),
        [
            new DestinationColumn("id", DestinationType.Long, PrimaryKeyOrdinal: 1),
            new DestinationColumn(column, DestinationType.Boolean),
        ]);

        var ex = await Assert.ThrowsAsync<ReplicationActionRequiredException>(() => _destination.EnsureTableAsync(table));

        Assert.Contains(column, ex.Message, StringComparison.Ordinal);
        Assert.Contains("excludeColumns", ex.Message, StringComparison.Ordinal);
    }
}
