using Sluice.Cli.Sync;
using Sluice.Replication.Secrets;

namespace Sluice.Cli.Tests.Sync;

public sealed class ConnectionRedactionTests
{
    [Theory]
    [InlineData("Server=db;User ID=u;Password=s3cret;Port=3306", "Server=db;User ID=u;Password=***;Port=3306")]
    [InlineData("server=db;pwd = 's3;cret';port=1", "server=db;pwd = ***;port=1")]
    [InlineData("Server=db;PASSWORD=\"a;b\"", "Server=db;PASSWORD=***")]
    [InlineData("Server=db;User ID=u", "Server=db;User ID=u")]
    public void Connection_strings_lose_their_password(string input, string expected) =>
        Assert.Equal(expected, Redaction.Redact(input));

    [Fact]
    public void Free_text_loses_literal_passwords_too()
    {
        var text = Redaction.Scrub("login failed for hunter22 (Password=hunter22)", ["hunter22"]);
        Assert.DoesNotContain("hunter22", text);
        Assert.Equal("sync Server=a;Password=*** -> duckdb:x", Redaction.Scrub("sync Server=a;Password=zz -> duckdb:x", []));
    }

    [Fact]
    public void Log_lines_are_scrubbed()
    {
        var output = new StringWriter();
        var writer = new LineLogWriter(output, LineFormat.Json, ["pa55word!"]);
        writer.Write("info", "test", "connecting with Server=x;Password=pa55word!", [new("detail", "pa55word! echoed")]);
        var line = output.ToString();
        Assert.DoesNotContain("pa55word", line);
        var json = System.Text.Json.Nodes.JsonNode.Parse(line)!;
        Assert.Equal("info", (string?)json["level"]);
        Assert.Equal("*** echoed", (string?)json["detail"]);
    }

    [Theory]
    [InlineData("duckdb:out.duckdb", "out.duckdb")]
    [InlineData("DuckDB:///tmp/x.duckdb", "/tmp/x.duckdb")]
    public void Destinations_parse(string value, string pathEnd)
    {
        var spec = DestinationSpec.Parse(value);
        Assert.Equal("duckdb", spec.Scheme);
        Assert.EndsWith(pathEnd, spec.Path);
        Assert.True(Path.IsPathRooted(spec.Path));
    }

    [Theory]
    [InlineData("postgres:x", "--destination scheme 'postgres' is not supported: use duckdb:PATH")]
    [InlineData("out.duckdb", "has no scheme: write duckdb:PATH")]
    [InlineData("duckdb:", "needs a file path")]
    public void Bad_destinations_say_what_to_write(string value, string expected)
    {
        var error = Assert.Throws<CliError>(() => DestinationSpec.Parse(value));
        Assert.Contains(expected, error.Message);
        Assert.Equal(2, error.ExitCode);
    }
}
