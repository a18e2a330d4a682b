using System.Data.Common;
using Akka.Hosting;
using MySqlConnector;
using Npgsql;
using Sluice.Host;

namespace Sluice.Cluster.Node;

/// <summary>The journal store of a node: SQLite (single node) or a shared MySQL/MariaDB/PostgreSQL database.</summary>
public enum JournalProvider
{
    Sqlite,
    MySql,
    MariaDb,
    PostgreSql,
}

/// <summary>
/// Akka.Persistence.Sql (Linq2Db) on the node's journal store, configured with HOCON through Sluice.Host's
/// <see cref="SluiceAkkaBuilderExtensions.WithSluicePersistence"/>. For the shared stores Sluice creates the tables itself
/// (<see cref="CreateTablesAsync"/>): Linq2Db's auto-created MySQL tables use <c>varbinary(255)</c> payloads (events over
/// 255 bytes fail) and no table gets a unique (persistence_id, sequence_number) key, which is what makes a second writer
/// of the same connector fail instead of interleaving events.
/// </summary>
public static class ClusterPersistence
{
    public static JournalProvider ProviderOf(NodePersistenceOptions options)
    {
        var provider = options.Provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => JournalProvider.Sqlite,
            "mysql" => JournalProvider.MySql,
            "mariadb" => JournalProvider.MariaDb,
            "postgresql" or "postgres" => JournalProvider.PostgreSql,
            _ => throw new NodeConfigurationException($"Persistence:Provider: '{options.Provider}' is not sqlite, mysql, mariadb or postgresql"),
        };
        if (provider != JournalProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new NodeConfigurationException($"Persistence:ConnectionString: required for {options.Provider}");
        }
        return provider;
    }

    /// <summary>The Linq2Db provider name.</summary>
    public static string Linq2DbProvider(JournalProvider provider) => provider switch
    {
        JournalProvider.Sqlite => "SQLite.MS",
        JournalProvider.MySql => "MySql.8.0.MySqlConnector",
        JournalProvider.MariaDb => "MariaDB.10.MySqlConnector",
        JournalProvider.PostgreSql => "PostgreSQL.15",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public static AkkaConfigurationBuilder WithNodePersistence(this AkkaConfigurationBuilder builder, NodePersistenceOptions options)
    {
        var provider = ProviderOf(options);
        builder.WithSluicePersistence(new PersistenceOptions
        {
            StateDirectory = options.StateDirectory,
            ConnectionString = provider == JournalProvider.Sqlite ? null : options.ConnectionString,
            ProviderName = Linq2DbProvider(provider),
        });
        if (provider != JournalProvider.Sqlite)
        {
            // Our own tables (CreateTablesAsync): never let Linq2Db create its varbinary(255) ones.
            builder.AddHocon("""
                akka.persistence.journal.sql.auto-initialize = false
                akka.persistence.snapshot-store.sql.auto-initialize = false
                akka.persistence.journal.sql.tag-write-mode = TagTable
                """, HoconAddMode.Prepend);
        }
        return builder;
    }

    /// <summary>Creates the journal, tag and snapshot tables when missing (shared stores only; idempotent).</summary>
    public static async Task CreateTablesAsync(NodePersistenceOptions options, CancellationToken ct)
    {
        var provider = ProviderOf(options);
        if (provider == JournalProvider.Sqlite) return;
        DbConnection connection = provider == JournalProvider.PostgreSql
            ? new NpgsqlConnection(options.ConnectionString)
            : new MySqlConnection(options.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync(ct);
            foreach (var statement in provider == JournalProvider.PostgreSql ? PostgreSqlSchema : MySqlSchema)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = statement;
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }

    /// <summary>MySQL 8 / MariaDB 10.5+ tables for Akka.Persistence.Sql's default table mapping, with LONGBLOB payloads.</summary>
    public static IReadOnlyList<string> MySqlSchema { get; } =
    [
        """
        CREATE TABLE IF NOT EXISTS journal (
          ordering BIGINT NOT NULL AUTO_INCREMENT,
          created BIGINT NOT NULL,
          deleted TINYINT(1) NOT NULL,
          persistence_id VARCHAR(255) NOT NULL,
          sequence_number BIGINT NOT NULL,
          message LONGBLOB NOT NULL,
          manifest VARCHAR(500) NULL,
          identifier INT NULL,
          writer_uuid VARCHAR(128) NULL,
          PRIMARY KEY (ordering),
          UNIQUE KEY journal_persistence_sequence (persistence_id, sequence_number)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS tags (
          ordering_id BIGINT NOT NULL,
          tag VARCHAR(64) NOT NULL,
          sequence_nr BIGINT NOT NULL,
          persistence_id VARCHAR(255) NOT NULL,
          PRIMARY KEY (ordering_id, tag),
          KEY tags_persistence (persistence_id, sequence_nr)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS snapshot (
          persistence_id VARCHAR(255) NOT NULL,
          sequence_number BIGINT NOT NULL,
          created BIGINT NOT NULL,
          snapshot LONGBLOB NULL,
          manifest VARCHAR(500) NULL,
          serializer_id INT NULL,
          PRIMARY KEY (persistence_id, sequence_number)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """,
    ];

    /// <summary>PostgreSQL tables for Akka.Persistence.Sql's default table mapping.</summary>
    public static IReadOnlyList<string> PostgreSqlSchema { get; } =
    [
        """
        CREATE TABLE IF NOT EXISTS journal (
          ordering BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          created BIGINT NOT NULL,
          deleted BOOLEAN NOT NULL,
          persistence_id VARCHAR(255) NOT NULL,
          sequence_number BIGINT NOT NULL,
          message BYTEA NOT NULL,
          manifest VARCHAR(500) NULL,
          identifier INTEGER NULL,
          writer_uuid VARCHAR(128) NULL,
          CONSTRAINT journal_persistence_sequence UNIQUE (persistence_id, sequence_number)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS tags (
          ordering_id BIGINT NOT NULL,
          tag VARCHAR(64) NOT NULL,
          sequence_nr BIGINT NOT NULL,
          persistence_id VARCHAR(255) NOT NULL,
          PRIMARY KEY (ordering_id, tag)
        )
        """,
        "CREATE INDEX IF NOT EXISTS tags_persistence ON tags (persistence_id, sequence_nr)",
        """
        CREATE TABLE IF NOT EXISTS snapshot (
          persistence_id VARCHAR(255) NOT NULL,
          sequence_number BIGINT NOT NULL,
          created BIGINT NOT NULL,
          snapshot BYTEA NULL,
          manifest VARCHAR(500) NULL,
          serializer_id INTEGER NULL,
          PRIMARY KEY (persistence_id, sequence_number)
        )
        """,
    ];
}
