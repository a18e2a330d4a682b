using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Cluster.Admin;
using Sluice.Cluster.Sharding;
using Sluice.Host;
using Sluice.Replication.Secrets;

namespace Sluice.Cluster.Node;

/// <summary>The registry key of the connector shard region.</summary>
public sealed class ConnectorRegion;

/// <summary>
/// One <c>sluice serve</c> node: an ASP.NET Core host (the admin API) with an Akka.Hosting actor system that joins the
/// cluster, hosts a shard region of <see cref="ConnectorEntity"/> (remember-entities on) and persists to the node's
/// journal store. Stopping the host (SIGTERM, Ctrl+C) runs CoordinatedShutdown: the node leaves the cluster, its shards
/// hand their connectors over (each stops cleanly first), then the process exits.
/// </summary>
public static class ClusterNode
{
    /// <summary>The shard region's type name (its path is <c>/system/sharding/connector</c> on every node).</summary>
    public const string RegionName = "connector";

    public static async Task<WebApplication> BuildAsync(NodeOptions options, CancellationToken ct = default)
    {
        if (options.Persistence.CreateTables) await ClusterPersistence.CreateTablesAsync(options.Persistence, ct);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        var level = Enum.TryParse<LogLevel>(options.LogLevel, ignoreCase: true, out var l) ? l : LogLevel.Information;
        var secrets = new SecretSet();
        ConfigureLogging(builder.Logging, level, secrets);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.WebHost.UseUrls($"http://{FormatHost(options.Admin.Address)}:{options.Admin.Port}");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<JournalHealth>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JournalHealth>());
        AdminApi.AddServices(builder.Services);

        var self = NodeConfiguration.SeedAddress(options.Node.SystemName,
            $"{options.Node.PublicHostname ?? options.Node.Hostname}:{options.Node.Port}");
        var seeds = options.Node.Seeds.Count == 0
            ? [self]
            : options.Node.Seeds.Select(s => NodeConfiguration.SeedAddress(options.Node.SystemName, s)).ToArray();

        builder.Services.AddAkka(options.Node.SystemName, (akka, services) =>
        {
            var loggerFactory = services.GetRequiredService<ILoggerFactory>();
            var journalHealth = services.GetRequiredService<JournalHealth>();
            akka.ConfigureLoggers(logging =>
            {
                logging.LogLevel = level <= LogLevel.Debug ? Akka.Event.LogLevel.DebugLevel : Akka.Event.LogLevel.InfoLevel;
                logging.ClearLoggers();
                logging.AddLoggerFactory(loggerFactory);
            });
            foreach (var file in options.TuningFiles) akka.WithSluiceTuningFile(file);
            akka.WithNodePersistence(options.Persistence)
                .WithSluiceConnectors()
                .WithRemoting(new RemoteOptions
                {
                    HostName = options.Node.Hostname,
                    Port = options.Node.Port,
                    PublicHostName = options.Node.PublicHostname,
                })
                .WithClustering(new ClusterOptions { SeedNodes = seeds, Roles = options.Node.Roles.ToArray() })
                .WithShardRegion<ConnectorRegion>(RegionName,
                    (_, _) => entityId => ConnectorEntity.Props(entityId, loggerFactory, journalHealth, secrets),
                    new ConnectorMessageExtractor(options.NumberOfShards),
                    new ShardOptions
                    {
                        RememberEntities = true,
                        StateStoreMode = StateStoreMode.DData,
                        RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                        HandOffStopMessage = ConnectorEntity.StopEntity.Instance,
                    });
        });

        var app = builder.Build();
        AdminApi.Map(app);
        return app;
    }

    /// <summary>Runs the node until it is stopped (SIGTERM, Ctrl+C) or removed from the cluster.</summary>
    public static async Task RunAsync(NodeOptions options, CancellationToken ct = default)
    {
        await using var app = await BuildAsync(options, ct);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Node");
        await app.StartAsync(ct);
        var system = app.Services.GetRequiredService<ActorSystem>();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        // Removed from the cluster (downed by the split-brain resolver, 'cluster down'): the actor system terminates; so does the node.
        _ = system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        logger.LogInformation("node {Address} up; admin API on http://{Admin}:{Port}", Akka.Cluster.Cluster.Get(system).SelfAddress,
            options.Admin.Address, options.Admin.Port);
        await app.WaitForShutdownAsync(ct);
        logger.LogInformation("node stopped");
    }

    /// <summary>
    /// The node's logging: single-line console output at <paramref name="level"/>, every provider behind the scrubbing
    /// wrapper (the passwords of the connectors this node has seen, in <paramref name="secrets"/>, and every
    /// <c>Password=...</c> pair never reach the output). <paramref name="secrets"/> is registered for the admin API.
    /// </summary>
    public static void ConfigureLogging(ILoggingBuilder logging, LogLevel level, SecretSet secrets)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(c =>
        {
            c.SingleLine = true;
            c.TimestampFormat = "HH:mm:ss.fff ";
            c.UseUtcTimestamp = true;
        });
        ScrubLogging(logging.Services, secrets);
        logging.Services.AddSingleton(secrets);
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }

    /// <summary>Wraps every registered <see cref="ILoggerProvider"/> in a <see cref="ScrubbingLoggerProvider"/>.</summary>
    public static void ScrubLogging(IServiceCollection services, SecretSet secrets)
    {
        var providers = services.Where(d => d.ServiceType == typeof(ILoggerProvider) && !d.IsKeyedService).ToList();
        foreach (var descriptor in providers)
        {
            services.Remove(descriptor);
            services.AddSingleton<ILoggerProvider>(sp => new ScrubbingLoggerProvider(Create(sp, descriptor), secrets));
        }

        static ILoggerProvider Create(IServiceProvider sp, ServiceDescriptor d) =>
            d.ImplementationInstance as ILoggerProvider
            ?? (ILoggerProvider?)d.ImplementationFactory?.Invoke(sp)
            ?? (ILoggerProvider)ActivatorUtilities.CreateInstance(sp, d.ImplementationType!);
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
