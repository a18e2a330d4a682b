using Sluice.Cluster.Node;

namespace Sluice.Cluster.Tests;

public sealed class NodeConfigurationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-nodeconfig-" + Guid.NewGuid().ToString("N")[..8]);

    public NodeConfigurationTests() => Directory.CreateDirectory(_directory);

    private string Write(string json, string name = "node.json")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void A_file_binds_to_the_option_classes_with_relative_paths_resolved_beside_it()
    {
        File.WriteAllText(Path.Combine(_directory, "base.hocon"), "akka {}");
        var path = Write("""
            { "Node": { "Hostname": "10.0.0.5", "Port": 4100, "Seeds": [ "10.0.0.5:4100", "akka.tcp://sluice@10.0.0.6:4100" ] },
              "Persistence": { "Provider": "postgresql", "ConnectionString": "Host=db;Database=sluice" },
              "Admin": { "Port": 6000, "ApiKeys": [ "k1" ] },
              "TuningFiles": [ "base.hocon" ] }
            """);
        var options = NodeConfiguration.Load(path);
        Assert.Equal("10.0.0.5", options.Node.Hostname);
        Assert.Equal(4100, options.Node.Port);
        Assert.Equal(6000, options.Admin.Port);
        Assert.Equal("127.0.0.1", options.Admin.Address);
        Assert.Equal(["k1"], options.Admin.ApiKeys);
        Assert.Equal(JournalProvider.PostgreSql, ClusterPersistence.ProviderOf(options.Persistence));
        Assert.Equal(Path.Combine(_directory, "base.hocon"), options.TuningFiles.Single());
        Assert.Equal("akka.tcp://sluice@10.0.0.5:4100", NodeConfiguration.SeedAddress("sluice", options.Node.Seeds[0]));
        Assert.Equal("akka.tcp://sluice@10.0.0.6:4100", NodeConfiguration.SeedAddress("sluice", options.Node.Seeds[1]));
    }

    [Fact]
    public void Overrides_win_over_the_file()
    {
        var path = Write("""{ "Node": { "Port": 4100 }, "Admin": { "ApiKeys": [ "from-file" ] } }""");
        var options = NodeConfiguration.Load(path, new Dictionary<string, string?> { ["Node:Port"] = "4200", ["Admin:ApiKeys:0"] = "from-env" });
        Assert.Equal(4200, options.Node.Port);
        Assert.Equal(["from-env"], options.Admin.ApiKeys);
    }

    [Theory]
    [InlineData("""{ "Node": { "Port": "abc" } }""", "Node:Port")]
    [InlineData("""{ "Nodee": { } }""", "Nodee")]
    [InlineData("""{ "Persistence": { "Provider": "oracle" } }""", "Persistence:Provider")]
    [InlineData("""{ "Persistence": { "Provider": "mysql" } }""", "Persistence:ConnectionString")]
    [InlineData("""{ "Node": { "Seeds": [ "nohost" ] } }""", "Node:Seeds")]
    [InlineData("""{ "TuningFiles": [ "missing.hocon" ] }""", "TuningFiles")]
    public void Bad_settings_are_refused_naming_the_key(string json, string key)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(Write(json)));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
