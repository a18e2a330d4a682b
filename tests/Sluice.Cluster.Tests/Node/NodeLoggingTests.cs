using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Cluster.Node;
using Sluice.Replication.Secrets;

namespace Sluice.Cluster.Tests.Node;

/// <summary>
/// <c>sluice serve</c>'s logging: the console provider sits behind the scrubbing wrapper, so a connector's password in a
/// message or an exception never reaches the console.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class NodeLoggingTests
{
    private const string Password = "s3rve-Secret#";

    [Fact]
    public void Every_provider_of_the_node_is_scrubbing()
    {
        var services = new ServiceCollection();
        var secrets = new SecretSet();
        services.AddLogging(b => ClusterNode.ConfigureLogging(b, LogLevel.Information, secrets));
        using var provider = services.BuildServiceProvider();
        var providers = provider.GetServices<ILoggerProvider>().ToList();
        Assert.NotEmpty(providers);
        Assert.All(providers, p => Assert.IsType<ScrubbingLoggerProvider>(p));
        Assert.Same(secrets, provider.GetRequiredService<SecretSet>());
    }

    [Fact]
    public void A_password_in_a_message_or_an_exception_never_reaches_the_console()
    {
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        try
        {
            var services = new ServiceCollection();
            var secrets = new SecretSet();
            services.AddLogging(b => ClusterNode.ConfigureLogging(b, LogLevel.Information, secrets));
            using (var provider = services.BuildServiceProvider())
            {
                secrets.AddConnectionString($"Server=db;User ID=shop;Password={Password}");
                var log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.ConnectorEntity");
                log.LogInformation("connector shop defined: {Definition}", $"{{\"sourceConnectionString\":\"Server=db;Password={Password}\"}}");
                log.LogWarning("source unreachable: access denied using {Password}", Password);
                log.LogError(new InvalidOperationException($"login with {Password} failed"), "run failed");
            } // disposing the provider flushes the console's queue
        }
        finally
        {
            Console.SetOut(original);
        }

        var text = console.ToString();
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.Contains("connector shop defined: {\"sourceConnectionString\":\"Server=db;Password=***", text);
        Assert.Contains("source unreachable: access denied using ***", text);
        Assert.Contains("run failed", text);
        Assert.Contains("InvalidOperationException: login with *** failed", text);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public const string Name = "console capture";
}
