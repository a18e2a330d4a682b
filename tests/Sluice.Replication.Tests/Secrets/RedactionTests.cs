using Microsoft.Extensions.Logging;
using Sluice.Replication.Secrets;

namespace Sluice.Replication.Tests.Secrets;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("Server=db;User ID=u;Password=s3cret;Port=3306", "Server=db;User ID=u;Password=***;Port=3306")]
    [InlineData("server=db;pwd = 's3;cret';port=1", "server=db;pwd = ***;port=1")]
    [InlineData("Server=db;PASSWORD=\"a;b\"", "Server=db;PASSWORD=***")]
    [InlineData("Server=db;Bogus Key=1;Password=s3cret", "Server=db;Bogus Key=1;Password=***")]
    [InlineData("Server=db;User ID=u", "Server=db;User ID=u")]
    [InlineData("", "")]
    public void Connection_strings_lose_their_password_only(string input, string expected) =>
        Assert.Equal(expected, Redaction.Redact(input));

    [Fact]
    public void Free_text_loses_pairs_and_literal_passwords()
    {
        Assert.Equal("login failed for *** (Password=***", Redaction.Scrub("login failed for hunter22 (Password=hunter22", ["hunter22"]));
        Assert.Equal("sync Server=a;Password=*** -> duckdb:x", Redaction.Scrub("sync Server=a;Password=zz -> duckdb:x"));
    }

    [Fact]
    public void Passwords_split_over_arguments_are_found()
    {
        Assert.Equal(["p1"], Redaction.SecretsInArguments(["--source", "Server=a;Password=p1"]));
        Assert.Contains("p2", Redaction.SecretsInArguments(["Password=", "p2"]));
        Assert.Contains("p3", Redaction.SecretsInArguments(["Password", "=", "p3"]));
        Assert.Equal(["x"], Redaction.SecretsOf("Server=a;Pwd=x"));
        Assert.Empty(Redaction.SecretsOf("Server=a"));
        Assert.Equal("db:3307", Redaction.Endpoint("Server=db;Port=3307;Password=x"));
    }

    [Fact]
    public void A_secret_set_masks_the_longer_secret_whole()
    {
        var secrets = new SecretSet(["abc"]);
        secrets.AddConnectionString("Server=a;Password=abcdef");
        secrets.Add("");
        Assert.Equal(2, secrets.Current.Count);
        Assert.Equal("x *** y ***", secrets.Scrub("x abcdef y abc"));
    }
}

public sealed class ScrubbingLoggerProviderTests
{
    private const string Password = "Tr0ub4dor&3";

    [Fact]
    public void A_password_in_a_message_a_field_or_an_exception_never_reaches_the_inner_provider()
    {
        var capture = new CapturingProvider();
        var secrets = new SecretSet();
        secrets.AddConnectionString($"Server=db;User ID=u;Password={Password}");
        using (var factory = LoggerFactory.Create(b => b.AddProvider(new ScrubbingLoggerProvider(capture, secrets))))
        {
            var logger = factory.CreateLogger("test");
            logger.LogInformation("connecting to {Source} as {User}", $"Server=db;Password={Password}", "u");
            logger.LogWarning("echoed {Secret} and {Count}", Password, 3);
            Exception thrown;
            try
            {
                throw new InvalidOperationException($"login failed with {Password}", new IOException($"inner Pwd={Password};x"));
            }
            catch (InvalidOperationException ex)
            {
                thrown = ex;
            }
            logger.LogError(thrown, "the source failed");
        }

        Assert.Equal(3, capture.Lines.Count);
        Assert.All(capture.Lines, line => Assert.DoesNotContain(Password, line, StringComparison.Ordinal));
        Assert.Equal("connecting to Server=db;Password=*** as u | Source=Server=db;Password=*** | User=u", capture.Lines[0].Split(" | {OriginalFormat}")[0]);
        Assert.StartsWith("echoed *** and 3 | Secret=*** | Count=3", capture.Lines[1]);
        Assert.StartsWith("the source failed", capture.Lines[2]);
        Assert.Contains("InvalidOperationException: login failed with ***", capture.Lines[2]);
        Assert.Contains("inner Pwd=***", capture.Lines[2]);
        Assert.Equal("InvalidOperationException", capture.ExceptionTypes.Single());
        Assert.Equal(3, capture.Counts[1]);
    }

    /// <summary>Prints what a console formatter prints: the message, the state's fields and the exception's text.</summary>
    private sealed class CapturingProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];
        public List<string> ExceptionTypes { get; } = [];
        public List<object?> Counts { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = formatter(state, exception);
                if (state is IEnumerable<KeyValuePair<string, object?>> fields)
                {
                    foreach (var (key, value) in fields)
                    {
                        line += $" | {key}={value}";
                        if (key == "Count") owner.Counts.Add(value);
                    }
                }
                if (owner.Counts.Count < owner.Lines.Count + 1) owner.Counts.Add(null);
                if (exception is not null)
                {
                    line += " | " + exception;
                    owner.ExceptionTypes.Add(ScrubbedException.TypeNameOf(exception));
                }
                lock (owner.Lines) owner.Lines.Add(line);
            }
        }
    }
}
