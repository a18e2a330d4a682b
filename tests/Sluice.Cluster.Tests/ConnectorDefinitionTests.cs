using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Actors.Contracts;
using Sluice.Replication.Connectors;
using Sluice.Replication.Secrets;

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
        Assert.Equal("Server=db;Bogus Key=1;Password=***", Redaction.Redact("Server=db;Bogus Key=1;Password=s3cret"));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("sourceConnectionString")]
    [InlineData("destinationPath")]
    [InlineData("chunkSize")]
    [InlineData("parallelSnapshots")]
    [InlineData("includeTables")]
    [InlineData("includeColumns")]
    [InlineData("hashedColumns")]
    public void Each_error_names_its_field(string field)
    {
        var bad = field switch
        {
            "id" => Valid with { Id = "bad id" },
            "sourceConnectionString" => Valid with { SourceConnectionString = "" },
            "destinationPath" => Valid with { DestinationPath = " " },
            "chunkSize" => Valid with { ChunkSize = 0 },
            "parallelSnapshots" => Valid with { ParallelSnapshots = 65 },
            "hashedColumns" => Valid with { HashedColumns = ["orders.card"] },
            "includeColumns" => Valid with { IncludeColumns = ["orders.card"] },
            _ => Valid with { IncludeTables = ["orders"] },
        };
        var error = Assert.Single(bad.Validate());
        Assert.StartsWith($"'{field}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(".x")]
    public void Ids_that_are_not_safe_path_segments_are_refused(string id)
    {
        Assert.NotNull(ConnectorDefinition.IdProblem(id));
        Assert.Contains((Valid with { Id = id }).Validate(), e => e.StartsWith("'id'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_limits_are_the_cli_config_files()
    {
        Assert.Empty((Valid with { ChunkSize = 10_000_000, Id = new string('a', 64) }).Validate());
        Assert.Equal(2, (Valid with { ChunkSize = 10_000_001, Id = new string('a', 65) }).Validate().Count);
    }

    [Fact]
    public void A_definition_persisted_by_an_earlier_version_still_loads()
    {
        // The journal's shape before the names were unified: PascalCase, MaxParallelSnapshots.
        const string Old = """
            {"Id":"shop","SourceConnectionString":"Server=db;User ID=u;Password=p","DestinationPath":"/d/shop.duckdb",
             "IncludeTables":["shop.orders"],"HashedColumns":["shop.orders.card"],"ChunkSize":500,"MaxParallelSnapshots":5,
             "KillZombieConnections":false,"RunSetupChecks":true}
            """;
        var definition = JsonSerializer.Deserialize<ConnectorDefinition>(Old)!;
        Assert.Equal("shop", definition.Id);
        Assert.Equal(5, definition.ParallelSnapshots);
        Assert.Equal(500, definition.ChunkSize);
        Assert.False(definition.KillZombieConnections);
        Assert.Equal(["shop.orders.card"], definition.HashedColumns!);
        Assert.Empty(definition.Validate());
        Assert.Equal(5, definition.ToConfig("shop.1").MaxParallelSnapshots);
    }

    [Fact]
    public void The_new_shape_round_trips_without_the_aliases()
    {
        var definition = Valid with { ParallelSnapshots = 7, IncludeColumns = ["shop.orders.total"] };
        var json = JsonSerializer.Serialize(definition, new JsonSerializerOptions { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });
        Assert.DoesNotContain("MaxParallelSnapshots", json, StringComparison.Ordinal);
        Assert.DoesNotContain("ConnectorId", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<ConnectorDefinition>(json)!;
        Assert.Equal(7, back.ParallelSnapshots);
        Assert.Equal(["shop.orders.total"], back.IncludeColumns!);
        Assert.Equal(definition.Id, back.Id);
    }

    [Fact]
    public void The_api_accepts_the_cli_files_names_too()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var definition = JsonSerializer.Deserialize<ConnectorDefinition>(
            """{"connectorId":"shop","sourceConnectionString":"Server=db","destinationPath":"/d.duckdb","parallelSnapshots":3}""", web)!;
        Assert.Equal("shop", definition.Id);
        Assert.Equal(3, definition.ParallelSnapshots);
        definition = JsonSerializer.Deserialize<ConnectorDefinition>("""{"maxParallelSnapshots":4}""", web)!;
        Assert.Equal(4, definition.ParallelSnapshots);
    }

    [Fact]
    public void The_config_file_and_the_admin_api_json_give_the_same_definition()
    {
        const string Settings = """
            "includeSchemas": ["shop"], "excludeTables": ["shop.audit"], "includeColumns": ["shop.c.id", "shop.c.name"],
            "excludeColumns": ["shop.c.notes"], "hashedColumns": ["shop.c.email"], "chunkSize": 2500, "parallelSnapshots": 4
            """;
        var file = Sluice.Cli.Sync.ConnectorConfigFile.Parse($$"""{ "connectorId": "shop", {{Settings}} }""", "shop.json");
        var api = JsonSerializer.Deserialize<ConnectorDefinition>(
            $$"""{ "id": "shop", "sourceConnectionString": "Server=db;Password=p", "destinationPath": "/d/shop.duckdb", {{Settings}} }""",
            Sluice.Cluster.Admin.AdminApi.Json)!;
        Assert.Empty(api.Validate());
        Assert.Empty(file.ValidateSettings());
        var fromFile = file with { SourceConnectionString = api.SourceConnectionString, DestinationPath = api.DestinationPath };
        Assert.Equal(JsonSerializer.Serialize(api), JsonSerializer.Serialize(fromFile));
        Assert.Equal("shop", fromFile.Id);
        Assert.Equal(["shop.c.id", "shop.c.name"], fromFile.IncludeColumns!);
        Assert.Equal(["shop.c.email"], fromFile.HashedColumns!);
        Assert.Equal(2500, fromFile.ChunkSize);
        Assert.Equal(4, fromFile.ParallelSnapshots);
        Assert.Equal(api.ToConfig("shop").Fingerprint(), fromFile.ToConfig("shop").Fingerprint());
    }
}
