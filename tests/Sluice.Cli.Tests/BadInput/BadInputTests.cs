using System.Text;
using Sluice.Testing;

namespace Sluice.Cli.Tests.BadInput;

/// <summary>
/// Careless or unlucky input: each case ends with its exit code and one line that names the thing, no stack trace,
/// no password, and nothing created or lost that was not asked for.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class BadInputTests(MariaDbServer server) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertFails(CliRunner.Result result, int exitCode, string names, string? secret = null)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, stderr: {result.Error}");
        Assert.Contains(names, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        if (secret is not null)
        {
            Assert.DoesNotContain(secret, result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Server=127.0.0.1;User=u;", "Password=Hunter2-secret;Port=1")]
    [InlineData("Server=127.0.0.1; User=u;", "Password=", "Hunter2-secret;")]
    [InlineData("Server=127.0.0.1; User=u;", "Password", "=", "Hunter2-secret;")]
    public async Task A_usage_error_never_echoes_a_password_split_by_the_shell(params string[] source)
    {
        // An unquoted --source "$SRC" whose value has spaces: the shell splits it, the parser reports unexpected arguments.
        string[] args = ["sync", "--source", .. source, "--destination", "duckdb:" + _dir.File("d.duckdb")];

        var result = await CliRunner.RunAsync(args);

        AssertFails(result, 2, "sluice: ", secret: "Hunter2-secret");
    }

    [Fact]
    public async Task A_sqlite_file_as_destination_is_not_a_duckdb_file()
    {
        var path = _dir.File("other.db");
        var header = new byte[4096];
        Encoding.ASCII.GetBytes("SQLite format 3\0").CopyTo(header, 0);
        await File.WriteAllBytesAsync(path, header);

        var result = await CliRunner.RunAsync("sync", "--source", server.ReplicationConnectionString(), "--destination", "duckdb:" + path,
            "--once", "--state", _dir.File("state"), "--log-format", "json");

        AssertFails(result, 1, $"--destination {path} is not a DuckDB file");
        Assert.DoesNotContain("http", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_destination_in_a_read_only_folder_says_the_folder_is_not_writable()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root" || string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal))
        {
            // root writes to read-only folders: nothing to test.
            return;
        }
        var folder = Directory.CreateDirectory(_dir.File("ro")).FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var result = await CliRunner.RunAsync("sync", "--source", server.ReplicationConnectionString(),
                "--destination", "duckdb:" + Path.Combine(folder, "d.duckdb"), "--once", "--state", _dir.File("state"), "--log-format", "json");

            AssertFails(result, 1, $"--destination folder {folder} is not writable");
            Assert.False(File.Exists(Path.Combine(folder, "d.duckdb")));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task A_corrupt_state_file_is_an_error_naming_the_state_folder()
    {
        var state = Directory.CreateDirectory(_dir.File("state")).FullName;
        await File.WriteAllTextAsync(Path.Combine(state, "sluice-state.db"), new string('x', 8192));

        var result = await CliRunner.RunAsync("sync", "--source", server.ReplicationConnectionString(),
            "--destination", "duckdb:" + _dir.File("d.duckdb"), "--once", "--state", state, "--log-format", "json");

        AssertFails(result, 1, $"--state folder {state}: its state file is corrupt");
        Assert.False(File.Exists(_dir.File("d.duckdb")));
    }
}
