using Sluice.Replication.Connectors;

namespace Sluice.Replication.Tests.Connectors;

public sealed class ConnectorRulesTests
{
    [Theory]
    [InlineData("shop")]
    [InlineData("shop-1.eu_west")]
    [InlineData("a.")]
    [InlineData("x..y")]
    public void Safe_path_segments_are_ids(string id) => Assert.Null(ConnectorRules.IdProblem(id));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("é")]
    public void Unsafe_ids_are_refused_with_one_line(string id)
    {
        var problem = ConnectorRules.IdProblem(id);
        Assert.NotNull(problem);
        Assert.StartsWith("'connectorId' ", problem);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void Ids_are_at_most_64_characters()
    {
        Assert.Null(ConnectorRules.IdProblem(new string('a', 64)));
        Assert.NotNull(ConnectorRules.IdProblem(new string('a', 65)));
        Assert.Equal(64, ConnectorRules.MaxIdLength);
    }

    [Theory]
    [InlineData(0, "'chunkSize' must be an integer from 1 to 10,000,000 (got 0)")]
    [InlineData(10_000_001, "'chunkSize' must be an integer from 1 to 10,000,000 (got 10000001)")]
    public void Chunk_size_limits(long value, string expected) => Assert.Equal(expected, ConnectorRules.ChunkSizeProblem(value));

    [Theory]
    [InlineData(0, "'parallelSnapshots' must be an integer from 1 to 64 (got 0)")]
    [InlineData(65, "'parallelSnapshots' must be an integer from 1 to 64 (got 65)")]
    public void Parallel_snapshot_limits(long value, string expected) => Assert.Equal(expected, ConnectorRules.ParallelSnapshotsProblem(value));

    [Fact]
    public void Limits_at_the_edges_pass()
    {
        Assert.Null(ConnectorRules.ChunkSizeProblem(1));
        Assert.Null(ConnectorRules.ChunkSizeProblem(10_000_000));
        Assert.Null(ConnectorRules.ParallelSnapshotsProblem(1));
        Assert.Null(ConnectorRules.ParallelSnapshotsProblem(64));
    }

    [Fact]
    public void Validate_returns_every_problem_naming_its_field()
    {
        var errors = ConnectorRules.Validate("..", 0, 65, ["a.b"], ["c.d"], ["shop"], ["x.y.z"], ["s.t"], ["s.t.c"], ["s.t.C", "s.t"]);
        Assert.Equal(
            [
                "'connectorId' must be 1 to 64 letters, digits, '-', '_' or '.', not starting with '.' (got \"..\")",
                "'chunkSize' must be an integer from 1 to 10,000,000 (got 0)",
                "'parallelSnapshots' must be an integer from 1 to 64 (got 65)",
                "'includeSchemas' holds \"a.b\", which is not schema: write it as schema",
                "'excludeSchemas' holds \"c.d\", which is not schema: write it as schema",
                "'includeTables' holds \"shop\", which is not schema.table: write it as schema.table",
                "'excludeTables' holds \"x.y.z\", which is not schema.table: write it as schema.table",
                "'includeColumns' holds \"s.t\", which is not schema.table.column: write it as schema.table.column",
                "'hashedColumns' holds \"s.t\", which is not schema.table.column: write it as schema.table.column",
                "'hashedColumns' names 's.t.C', which 'excludeColumns' blocks: keep it in one list only",
            ],
            errors);
    }

    [Fact]
    public void A_valid_definition_has_no_problems() =>
        Assert.Empty(ConnectorRules.Validate("shop", 10_000, 2, ["shop"], null, ["shop.orders"], null, ["shop.orders.id"], null, ["shop.orders.email"]));

    [Fact]
    public void Older_field_names_are_aliases()
    {
        Assert.Equal("parallelSnapshots", ConnectorRules.Aliases["maxParallelSnapshots"]);
        Assert.Equal("connectorId", ConnectorRules.Aliases["id"]);
    }
}
