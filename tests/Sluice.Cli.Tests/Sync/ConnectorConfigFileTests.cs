using Sluice.Cli.Sync;
using Sluice.Replication.Discovery;

namespace Sluice.Cli.Tests.Sync;

/// <summary>The connector config file: every field, and one clear line naming the field for each mistake.</summary>
public sealed class ConnectorConfigFileTests
{
    [Fact]
    public void Parses_every_field()
    {
        var config = ConnectorConfigFile.Parse("""
            {
              // comments and trailing commas are allowed
              "connectorId": "shop-1",
              "includeSchemas": ["shop", "crm"],
              "excludeSchemas": ["scratch"],
              "includeTables": ["shop.orders", "crm.people"],
              "excludeTables": ["shop.audit_log"],
              "includeColumns": ["crm.people.name"],
              "excludeColumns": ["shop.orders.notes"],
              "hashedColumns": ["crm.people.email"],
              "chunkSize": 500,
              "parallelSnapshots": 3,
            }
            """);
        Assert.Equal("shop-1", config.Id);
        Assert.Equal(["shop", "crm"], config.IncludeSchemas!);
        Assert.Equal(["crm.people.email"], config.HashedColumns!);
        Assert.Equal(500, config.ChunkSize);
        Assert.Equal(3, config.ParallelSnapshots);

        var filter = config.Filter();
        Assert.True(filter.IncludesTable(new TableId("shop", "orders")));
        Assert.False(filter.IncludesTable(new TableId("shop", "audit_log")));
        Assert.False(filter.IncludesTable(new TableId("shop", "other")));
        Assert.False(filter.IncludesTable(new TableId("scratch", "orders")));
        Assert.True(filter.ExcludesColumn(new TableId("shop", "orders"), "NOTES"));
    }

    [Fact]
    public void Defaults_without_a_file()
    {
        var config = ConnectorConfigFile.Load(null);
        Assert.Equal(ConnectorConfigFile.DefaultConnectorId, config.Id);
        Assert.Null(config.IncludeSchemas);
        Assert.Equal(10_000, config.ChunkSize);
        Assert.Equal(2, config.ParallelSnapshots);
    }

    [Theory]
    [InlineData("""{"chunkSize": 0}""", "'chunkSize' must be an integer from 1 to")]
    [InlineData("""{"chunkSize": "100"}""", "'chunkSize' must be an integer")]
    [InlineData("""{"parallelSnapshots": 2.5}""", "'parallelSnapshots' must be an integer")]
    [InlineData("""{"includeTables": ["orders"]}""", "'includeTables' holds \"orders\", which is not schema.table")]
    [InlineData("""{"hashedColumns": ["shop.customers"]}""", "'hashedColumns' holds \"shop.customers\", which is not schema.table.column")]
    [InlineData("""{"excludeSchemas": "shop"}""", "'excludeSchemas' must be an array of \"schema\" strings")]
    [InlineData("""{"excludeSchemas": [1]}""", "'excludeSchemas' must be an array of \"schema\" strings (found a number)")]
    [InlineData("""{"connectorId": "a b"}""", "'connectorId' must be 1 to 64 letters")]
    [InlineData("""{"tables": []}""", "unknown field 'tables' (known fields: connectorId, includeSchemas")]
    [InlineData("""{"chunkSize": 5, "chunksize": 6}""", "'chunkSize' is given twice")]
    [InlineData("""{"excludeColumns": ["a.b.c"], "hashedColumns": ["a.b.C"]}""", "'hashedColumns' names 'a.b.C', which 'excludeColumns' blocks")]
    [InlineData("""[1, 2]""", "must hold one JSON object")]
    [InlineData("{\n  \"chunkSize\": 5,,\n}", "is not valid JSON at line 2")]
    public void Mistakes_are_one_line_naming_the_field(string json, string expected)
    {
        var error = Assert.Throws<CliError>(() => ConnectorConfigFile.Parse(json, "c.json"));
        Assert.Equal(2, error.ExitCode);
        Assert.StartsWith("config file 'c.json'", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_unreadable_file_names_the_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sluice-missing-" + Guid.NewGuid().ToString("N"), "c.json");
        var error = Assert.Throws<CliError>(() => ConnectorConfigFile.Load(missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("check the --config path", error.Message);
    }

    [Fact]
    public void The_cluster_definitions_names_are_accepted_as_aliases()
    {
        var config = ConnectorConfigFile.Parse("""{ "id": "shop", "maxParallelSnapshots": 5 }""");
        Assert.Equal("shop", config.Id);
        Assert.Equal(5, config.ParallelSnapshots);
        var error = Assert.Throws<CliError>(() => ConnectorConfigFile.Parse("""{ "parallelSnapshots": 3, "maxParallelSnapshots": 5 }""", "c.json"));
        Assert.Contains("'parallelSnapshots' is given twice", error.Message);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(".hidden")]
    public void Ids_that_are_not_safe_path_segments_are_refused(string id)
    {
        var error = Assert.Throws<CliError>(() => ConnectorConfigFile.Parse($$"""{ "connectorId": "{{id}}" }""", "c.json"));
        Assert.Equal(2, error.ExitCode);
        Assert.Contains("'connectorId' must be 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'", error.Message);
    }

    [Fact]
    public void A_file_of_the_earlier_shape_still_loads()
    {
        var config = ConnectorConfigFile.Parse("""
            { "connectorId": "shop", "includeSchemas": ["shop"], "excludeTables": ["shop.audit"], "includeColumns": ["shop.c.name"],
              "excludeColumns": ["shop.c.notes"], "hashedColumns": ["shop.c.email"], "chunkSize": 10000000, "parallelSnapshots": 64 }
            """);
        Assert.Equal(10_000_000, config.ChunkSize);
        Assert.Equal(64, config.ParallelSnapshots);
        Assert.Equal(["shop.c.name"], config.Names().IncludeColumns!);
    }
}
