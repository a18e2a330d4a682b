using System.Collections.Concurrent;
using System.Diagnostics;
using MySqlConnector;
using Xunit;

namespace Sluice.Testing;

/// <summary>
/// One real MariaDB server for a test assembly (use it as an xunit collection fixture).
/// <para>
/// When <c>SLUICE_TEST_MYSQL_PORT</c> is set (as <c>./build.sh test</c> does), the fixture uses that running server
/// and the other <c>SLUICE_TEST_MYSQL_*</c> variables (see README). Otherwise it starts its own throwaway server with
/// <c>scripts/mariadb-test-server.sh</c> on a free loopback port, tied to this process, and stops it at the end.
/// </para>
/// <para>
/// This server logs <c>binlog_row_metadata=FULL</c>; <see cref="MariaDbDefaultsServer"/> is the same with the server's
/// default row metadata. A test class picks its mode through the collection it joins.
/// </para>
/// </summary>
public class MariaDbServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TestDatabase>>> _databases = new();
    private readonly string _variablePrefix;
    private readonly bool _defaults;
    private string? _ownedDir;

    public MariaDbServer()
        : this("SLUICE_TEST_MYSQL_", defaults: false)
    {
    }

    /// <param name="variablePrefix">The prefix of the variables naming a running server (<c>{prefix}PORT</c>, ...).</param>
    /// <param name="defaults">Whether the server keeps its default binlog_row_metadata instead of FULL.</param>
    protected MariaDbServer(string variablePrefix, bool defaults)
    {
        _variablePrefix = variablePrefix;
        _defaults = defaults;
    }

    /// <summary>Whether TABLE_MAP events carry full row metadata (names, signedness, charsets, ENUM/SET labels).</summary>
    public bool FullRowMetadata => !_defaults;

    public string Host { get; private set; } = "127.0.0.1";
    public int Port { get; private set; }
    public string RootUser { get; private set; } = "";
    public string RootPassword { get; private set; } = "";
    public string ReplicationUser { get; private set; } = "";
    public string ReplicationPassword { get; private set; } = "";

    /// <summary>The CA certificate that signed the server's TLS certificate (null when unknown).</summary>
    public string? SslCaPath { get; private set; }

    /// <summary>The directory the fixture started the server in, when it started one itself.</summary>
    public string? DataDirectory => _ownedDir;

    public async Task InitializeAsync()
    {
        var env = Environment.GetEnvironmentVariable(_variablePrefix + "PORT");
        if (!string.IsNullOrEmpty(env))
        {
            Apply(name => Environment.GetEnvironmentVariable(_variablePrefix + name["SLUICE_TEST_MYSQL_".Length..]));
        }
        else
        {
            _ownedDir = Path.Combine(Path.GetTempPath(), "sluice-test-mariadb-" + Guid.NewGuid().ToString("N")[..12]);
            var script = RepositoryPaths.File("scripts/mariadb-test-server.sh");
            await RunScriptAsync(script, $"start \"{_ownedDir}\" --owner-pid {Environment.ProcessId}{(_defaults ? " --defaults" : "")}");
            var values = File.ReadAllLines(Path.Combine(_ownedDir, "server.env"))
                .Select(l => l.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1]);
            Apply(name => values.GetValueOrDefault(name));
        }

        // Fail early with a clear message instead of a timeout in every test.
        await using var conn = new MySqlConnection(RootConnectionString());
        await conn.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        if (_ownedDir is not null)
        {
            var script = RepositoryPaths.File("scripts/mariadb-test-server.sh");
            await RunScriptAsync(script, $"stop \"{_ownedDir}\"");
        }
    }

    private void Apply(Func<string, string?> get)
    {
        string Need(string name) => get(name) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException(
                $"{_variablePrefix}{name["SLUICE_TEST_MYSQL_".Length..]} is not set: set it, or unset {_variablePrefix}PORT to let the tests start their own MariaDB");

        Host = get("SLUICE_TEST_MYSQL_HOST") is { Length: > 0 } h ? h : "127.0.0.1";
        Port = int.Parse(Need("SLUICE_TEST_MYSQL_PORT"), System.Globalization.CultureInfo.InvariantCulture);
        RootUser = Need("SLUICE_TEST_MYSQL_ROOT_USER");
        RootPassword = get("SLUICE_TEST_MYSQL_ROOT_PASSWORD") ?? "";
        ReplicationUser = Need("SLUICE_TEST_MYSQL_REPL_USER");
        ReplicationPassword = get("SLUICE_TEST_MYSQL_REPL_PASSWORD") ?? "";
        SslCaPath = get("SLUICE_TEST_MYSQL_SSL_CA") is { Length: > 0 } ca ? ca : null;
    }

    /// <summary>A connection string (MySqlConnector syntax) for the administrative login.</summary>
    public string RootConnectionString(string? database = null) =>
        Build(RootUser, RootPassword, database);

    /// <summary>A connection string (MySqlConnector syntax) for the least-privilege replication user.</summary>
    public string ReplicationConnectionString(string? database = null) =>
        Build(ReplicationUser, ReplicationPassword, database);

    private string Build(string user, string password, string? database)
    {
        var b = new MySqlConnectionStringBuilder
        {
            Server = Host,
            Port = (uint)Port,
            UserID = user,
            Password = password,
            SslMode = MySqlSslMode.None,
            AllowPublicKeyRetrieval = true,
            Pooling = true,
            DefaultCommandTimeout = 120,
        };
        if (database is not null) b.Database = database;
        return b.ConnectionString;
    }

    /// <summary>
    /// The database of one test class: created on first use, named after the class, distinct on every run.
    /// </summary>
    public Task<TestDatabase> DatabaseForAsync(Type testClass) =>
        _databases.GetOrAdd(testClass.FullName ?? testClass.Name,
            _ => new Lazy<Task<TestDatabase>>(() => CreateDatabaseAsync(testClass.Name))).Value;

    /// <summary>Creates a fresh database with a unique name that starts with <paramref name="prefix"/>.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(string prefix)
    {
        var clean = new string(prefix.Where(char.IsLetterOrDigit).Take(40).ToArray()).ToLowerInvariant();
        var name = $"t_{clean}_{Guid.NewGuid().ToString("N")[..8]}";
        await using var conn = new MySqlConnection(RootConnectionString());
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", conn);
        await cmd.ExecuteNonQueryAsync();
        return new TestDatabase(this, name);
    }

    /// <summary>Runs SQL as the administrative login and returns the number of affected rows.</summary>
    public async Task<int> ExecuteAsync(string sql, string? database = null)
    {
        await using var conn = new MySqlConnection(RootConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query as the administrative login.</summary>
    public async Task<object?> ScalarAsync(string sql, string? database = null)
    {
        await using var conn = new MySqlConnection(RootConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand(sql, conn);
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private static async Task RunScriptAsync(string script, string arguments)
    {
        var psi = new ProcessStartInfo("bash", $"\"{script}\" {arguments}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(script)} {arguments} failed with exit code {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

/// <summary>
/// A real MariaDB server with its default <c>binlog_row_metadata</c> (NO_LOG on MariaDB 10.11: TABLE_MAP events carry
/// no column names, signedness, charsets or ENUM/SET labels), as servers come. Uses the running server named by
/// <c>SLUICE_TEST_MYSQL_DEFAULTS_PORT</c> (and the other <c>SLUICE_TEST_MYSQL_DEFAULTS_*</c> variables) when set,
/// else starts its own.
/// </summary>
public sealed class MariaDbDefaultsServer : MariaDbServer
{
    public MariaDbDefaultsServer()
        : base("SLUICE_TEST_MYSQL_DEFAULTS_", defaults: true)
    {
    }
}

/// <summary>A database created for one test class on the shared server.</summary>
public sealed record TestDatabase(MariaDbServer Server, string Name)
{
    public string RootConnectionString => Server.RootConnectionString(Name);
    public string ReplicationConnectionString => Server.ReplicationConnectionString(Name);
    public Task<int> ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Name);
    public Task<object?> ScalarAsync(string sql) => Server.ScalarAsync(sql, Name);
}
