namespace Sluice.Cluster.Node;

/// <summary>
/// A node's settings: the JSON file given to <c>sluice serve --config FILE</c>, overridden by environment variables
/// <c>SLUICE__SECTION__KEY</c> (e.g. <c>SLUICE__NODE__PORT=4054</c>, <c>SLUICE__ADMIN__APIKEYS__0=...</c>). Tuning (failure
/// detection, split-brain resolver, sharding) lives in the HOCON files of <see cref="TuningFiles"/>.
/// </summary>
public sealed class NodeOptions
{
    public ClusterNodeOptions Node { get; set; } = new();
    public NodePersistenceOptions Persistence { get; set; } = new();
    public AdminApiOptions Admin { get; set; } = new();

    /// <summary>HOCON tuning files, loaded in order (later files win); relative paths are relative to the config file.</summary>
    public List<string> TuningFiles { get; set; } = [];

    /// <summary>Shards of the connector entities (the same on every node; about ten times the largest expected node count).</summary>
    public int NumberOfShards { get; set; } = 60;

    /// <summary>Log level of the node's console log (Trace, Debug, Information, Warning, Error).</summary>
    public string LogLevel { get; set; } = "Information";
}

public sealed class ClusterNodeOptions
{
    /// <summary>The actor system's name: the same on every node of a cluster.</summary>
    public string SystemName { get; set; } = "sluice";

    /// <summary>The address Akka.Remote binds to.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The address other nodes reach this one at (null: <see cref="Hostname"/>).</summary>
    public string? PublicHostname { get; set; }

    public int Port { get; set; } = 4053;

    /// <summary>Seed nodes, <c>host:port</c> or full <c>akka.tcp://sluice@host:port</c> addresses (empty: this node alone).</summary>
    public List<string> Seeds { get; set; } = [];

    public List<string> Roles { get; set; } = [];
}

public sealed class NodePersistenceOptions
{
    /// <summary><c>sqlite</c> (single node, the default), <c>mysql</c>, <c>mariadb</c> or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The journal database (MySqlConnector or Npgsql syntax); unused for SQLite (see <see cref="StateDirectory"/>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite: the directory of <c>sluice-state.db</c>.</summary>
    public string StateDirectory { get; set; } = ".sluice";

    /// <summary>Create the journal, snapshot and tag tables at start when missing (MySQL/MariaDB/PostgreSQL).</summary>
    public bool CreateTables { get; set; } = true;
}

public sealed class AdminApiOptions
{
    /// <summary>The address the admin API listens on: loopback by default.</summary>
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 5080;

    /// <summary>Accepted API keys (<c>Authorization: Bearer KEY</c>). Empty: every request is refused (401).</summary>
    public List<string> ApiKeys { get; set; } = [];
}
