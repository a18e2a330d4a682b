using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Sluice.Cli.Sync;

namespace Sluice.Cli.Tests.Sync;

/// <summary>The loggers <c>sluice sync</c> runs with never print a password, in a message or in an exception.</summary>
public sealed class SyncLoggingTests
{
    private const string Password = "hunter2-Sync!";

    [Theory]
    [InlineData(LineFormat.Json)]
    [InlineData(LineFormat.Text)]
    public void A_password_in_a_message_or_an_exception_never_reaches_the_output(LineFormat format)
    {
        var output = new StringWriter();
        var secrets = SourcePreflight.Secrets($"Server=db;User ID=sluice;Password={Password}");
        var seen = new List<string>();
        var writer = new LineLogWriter(output, format, secrets);
        using (var factory = SyncCommand.CreateLoggerFactory(writer, secrets, (_, message) => seen.Add(message)))
        {
            var log = factory.CreateLogger("Sluice.Connector");
            log.LogInformation("source {Source}", $"Server=db;Password={Password}");
            log.LogWarning("the server said: access denied for {Password}", Password);
            log.LogError(new InvalidOperationException($"cannot log in with '{Password}'"), "the stream failed");
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.DoesNotContain(Password, line, StringComparison.Ordinal));
        Assert.All(seen, line => Assert.DoesNotContain(Password, line, StringComparison.Ordinal));
        if (format == LineFormat.Json)
        {
            var first = JsonNode.Parse(lines[0])!;
            Assert.Equal("source Server=db;Password=***", (string?)first["message"]);
            Assert.Equal("Server=db;Password=***", (string?)first["Source"]);
            var last = JsonNode.Parse(lines[2])!;
            Assert.Equal("error", (string?)last["level"]);
            Assert.Equal("InvalidOperationException: cannot log in with '***'", (string?)last["error"]);
        }
        else
        {
            Assert.EndsWith("the server said: access denied for ***", lines[1].TrimEnd('\r'));
            Assert.EndsWith("the stream failed (InvalidOperationException: cannot log in with '***')", lines[2].TrimEnd('\r'));
        }
    }
}
