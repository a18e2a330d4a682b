namespace Sluice.Host;

/// <summary>Where connectors keep their state (Akka.Persistence.Sql journal and snapshots).</summary>
public sealed record PersistenceOptions
{
    /// <summary>The state directory: the default SQLite database is <c>&lt;dir&gt;/sluice-state.db</c>.</summary>
    public string StateDirectory { get; init; } = ".sluice";

    /// <summary>A connection string for another database (null: the SQLite file in <see cref="StateDirectory"/>).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The Linq2Db provider name (<c>SQLite.MS</c> for Microsoft.Data.Sqlite; e.g. <c>PostgreSQL.15</c>).</summary>
    public string ProviderName { get; init; } = "SQLite.MS";

    public const string StateFileName = "sluice-state.db";

    public string StateFilePath => Path.Combine(Path.GetFullPath(StateDirectory), StateFileName);

    /// <summary>The connection string used: <see cref="ConnectionString"/>, or the SQLite state file.</summary>
    public string EffectiveConnectionString => ConnectionString ?? $"Data Source={StateFilePath};Default Timeout=60";
}
