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
        Assert.Equal("shop-1", config.ConnectorId);
        Assert.Equal(["shop", "crm"], config.IncludeSchemas!);
        Assert.Equal(["crm.people.email"], config.HashedColumns);
        Assert.Equal(500, config.ChunkSize);
        Assert.Equal(3, config.ParallelSnapshots);

        var filter = config.StaticFilter();
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
        Assert.Equal(ConnectorConfigFile.DefaultConnectorId, config.ConnectorId);
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
}
