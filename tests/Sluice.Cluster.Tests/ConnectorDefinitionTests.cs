using Sluice.Actors.Contracts;

namespace Sluice.Cluster.Tests;

public sealed class ConnectorDefinitionTests
{
    private static readonly ConnectorDefinition Valid = new()
    {
        Id = "shop-1",
        SourceConnectionString = "Server=db;Port=3306;User ID=sluice;Password=s3cret;SslMode=Required",
        DestinationPath = "/data/shop.duckdb",
        IncludeTables = ["shop.orders"],
        ExcludeColumns = ["shop.orders.card"],
    };

    [Fact]
    public void A_valid_definition_has_no_errors_and_maps_to_the_connector_config()
    {
        Assert.Empty(Valid.Validate());
        var config = Valid.ToConfig("shop-1.2");
        Assert.Equal("shop-1.2", config.Id);
        Assert.True(config.Filter!.IncludesTable(new Sluice.Replication.Discovery.TableId("shop", "orders")));
        Assert.True(config.Filter.ExcludesColumn(new Sluice.Replication.Discovery.TableId("shop", "orders"), "CARD"));
    }

    [Fact]
    public void Redaction_hides_the_password_only()
    {
        var redacted = Valid.Redacted().SourceConnectionString;
        Assert.DoesNotContain("s3cret", redacted, StringComparison.Ordinal);
        Assert.Contains("Password=***", redacted, StringComparison.Ordinal);
        Assert.Contains("Server=db", redacted, StringComparison.Ordinal);
        Assert.Equal("***", ConnectorDefinition.RedactPassword("Server=db;Bogus Key=1;Password=s3cret"));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("sourceConnectionString")]
    [InlineData("destinationPath")]
    [InlineData("chunkSize")]
    [InlineData("includeTables/excludeTables/excludeColumns")]
    [InlineData("hashedColumns")]
    public void Each_error_names_its_field(string field)
    {
        var bad = field switch
        {
            "id" => Valid with { Id = "bad id" },
            "sourceConnectionString" => Valid with { SourceConnectionString = "" },
            "destinationPath" => Valid with { DestinationPath = " " },
            "chunkSize" => Valid with { ChunkSize = 0 },
            "hashedColumns" => Valid with { HashedColumns = ["orders.card"] },
            _ => Valid with { IncludeTables = ["orders"] },
        };
        Assert.Contains(bad.Validate(), e => e.StartsWith(field + ":", StringComparison.Ordinal));
    }
}
