using Sluice.Replication.Connectors;

namespace Sluice.Replication.Tests.Connectors;

public sealed class ConnectorConfigTests
{
    private static ConnectorConfig Config(string source, IReadOnlyList<string>? hashed = null) =>
        new ConnectorDefinition
        {
            Id = "shop",
            SourceConnectionString = source,
            DestinationPath = "/d/shop.duckdb",
            IncludeSchemas = ["shop"],
            HashedColumns = hashed,
        }.ToConfig("shop");

    [Fact]
    public void Another_source_server_or_hashing_changes_the_fingerprint_but_credentials_do_not()
    {
        var fingerprint = Config("Server=db1;Port=3306;User ID=a;Password=x").Fingerprint();
        Assert.Equal(fingerprint, Config("Server=db1;Port=3306;User ID=b;Password=y").Fingerprint());
        Assert.NotEqual(fingerprint, Config("Server=db2;Port=3306;User ID=a;Password=x").Fingerprint());
        Assert.NotEqual(fingerprint, Config("Server=db1;Port=3307;User ID=a;Password=x").Fingerprint());
        Assert.NotEqual(fingerprint, Config("Server=db1;Port=3306;User ID=a;Password=x", ["shop.c.email"]).Fingerprint());
        Assert.Equal(64, fingerprint.Length);
    }
}
