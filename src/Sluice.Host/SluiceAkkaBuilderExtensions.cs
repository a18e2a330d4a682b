using Akka.Hosting;
using Akka.Persistence.Sql;
using Sluice.Actors.Serialization;

namespace Sluice.Host;

/// <summary>Akka.Hosting wiring for Sluice.</summary>
public static class SluiceAkkaBuilderExtensions
{
    /// <summary>
    /// Journal and snapshot store on Akka.Persistence.Sql (Linq2Db) with <paramref name="options"/>' database: by default
    /// the SQLite file <c>&lt;state dir&gt;/sluice-state.db</c> through Microsoft.Data.Sqlite (provider <c>SQLite.MS</c>).
    /// The tables are created on first use.
    /// </summary>
    public static AkkaConfigurationBuilder WithSluicePersistence(this AkkaConfigurationBuilder builder, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConnectionString is null) Directory.CreateDirectory(Path.GetFullPath(options.StateDirectory));
        var connection = Quote(options.EffectiveConnectionString);
        var provider = Quote(options.ProviderName);
        // SQLite takes one writer at a time: one journal writer avoids 'database is locked' retries.
        var parallelism = options.ProviderName.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) ? 1 : 3;
        var hocon = $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = true
                  parallelism = {{parallelism}}
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = true
                }
              }
            }
            """;
        return builder
            .AddHocon(hocon, HoconAddMode.Prepend)
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
    }

    /// <summary>
    /// What every node running connectors needs: the System.Text.Json serializer bound to
    /// <see cref="Sluice.Actors.Contracts.ISluiceMessage"/> (persisted events, commands across nodes).
    /// </summary>
    public static AkkaConfigurationBuilder WithSluiceConnectors(this AkkaConfigurationBuilder builder) =>
        builder.AddHocon(SluiceSerialization.Hocon, HoconAddMode.Prepend);

    /// <summary>Loads a HOCON tuning file (e.g. from <c>cluster-config/</c>) ahead of the defaults.</summary>
    public static AkkaConfigurationBuilder WithSluiceTuningFile(this AkkaConfigurationBuilder builder, string? path) =>
        path is null ? builder : builder.AddHocon(File.ReadAllText(path), HoconAddMode.Prepend);

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
