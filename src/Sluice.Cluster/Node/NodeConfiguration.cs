using Microsoft.Extensions.Configuration;

namespace Sluice.Cluster.Node;

/// <summary>Loads <see cref="NodeOptions"/>: the JSON file, then <c>SLUICE__</c> environment variables.</summary>
public static class NodeConfiguration
{
    public const string EnvironmentPrefix = "SLUICE__";

    public static NodeOptions Load(string? path, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder();
        string? directory = null;
        if (path is not null)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full)) throw new NodeConfigurationException($"config file {path} does not exist");
            directory = Path.GetDirectoryName(full);
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        NodeOptions options;
        try
        {
            options = builder.Build().Get<NodeOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new NodeOptions();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or System.Text.Json.JsonException or InvalidDataException)
        {
            // The binder's own message names the key ("... at 'Node:Port' to type ..."); the JSON reader's names the line.
            var message = ex is InvalidOperationException ? ex.Message.Replace("'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the", "unknown settings:", StringComparison.Ordinal) : ex.GetBaseException().Message;
            throw new NodeConfigurationException($"config {path ?? "(environment)"}: {message}");
        }
        options.TuningFiles = options.TuningFiles
            .Select(f => Path.IsPathRooted(f) || directory is null ? f : Path.GetFullPath(Path.Combine(directory, f)))
            .ToList();
        if (directory is not null && !Path.IsPathRooted(options.Persistence.StateDirectory))
        {
            options.Persistence.StateDirectory = Path.GetFullPath(Path.Combine(directory, options.Persistence.StateDirectory));
        }
        var errors = Validate(options);
        if (errors.Count > 0) throw new NodeConfigurationException("invalid node config: " + string.Join("; ", errors));
        return options;
    }

    public static IReadOnlyList<string> Validate(NodeOptions options)
    {
        var errors = new List<string>();
        if (options.Node.Port is < 0 or > 65535) errors.Add("Node:Port: between 0 and 65535");
        if (string.IsNullOrWhiteSpace(options.Node.Hostname)) errors.Add("Node:Hostname: required");
        if (string.IsNullOrWhiteSpace(options.Node.SystemName)) errors.Add("Node:SystemName: required");
        if (options.Admin.Port is < 0 or > 65535) errors.Add("Admin:Port: between 0 and 65535");
        if (options.NumberOfShards is < 1 or > 10_000) errors.Add("NumberOfShards: between 1 and 10000");
        try
        {
            _ = ClusterPersistence.ProviderOf(options.Persistence);
        }
        catch (NodeConfigurationException ex)
        {
            errors.Add(ex.Message);
        }
        foreach (var file in options.TuningFiles)
        {
            if (!File.Exists(file)) errors.Add($"TuningFiles: {file} does not exist");
        }
        foreach (var seed in options.Node.Seeds)
        {
            try
            {
                _ = SeedAddress(options.Node.SystemName, seed);
            }
            catch (FormatException ex)
            {
                errors.Add("Node:Seeds: " + ex.Message);
            }
        }
        return errors;
    }

    /// <summary><c>host:port</c> → <c>akka.tcp://system@host:port</c>; a full address is kept.</summary>
    public static string SeedAddress(string systemName, string seed)
    {
        if (seed.StartsWith("akka.tcp://", StringComparison.Ordinal)) return seed;
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed[(colon + 1)..], out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{seed}' is not host:port");
        }
        return $"akka.tcp://{systemName}@{seed[..colon]}:{port}";
    }
}

public sealed class NodeConfigurationException(string message) : Exception(message);
