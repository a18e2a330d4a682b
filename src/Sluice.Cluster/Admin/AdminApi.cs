using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Actors.Contracts;
using Sluice.Replication.Connectors;
using Sluice.Replication.Secrets;

namespace Sluice.Cluster.Admin;

/// <summary>
/// The admin HTTP API of a node (ASP.NET Core minimal API; every node serves it, for the whole cluster). JSON in and out
/// (camelCase), errors as <c>{"error": "..."}</c> naming the field, OpenAPI at <c>/openapi/v1.json</c>, API keys on
/// every route but <c>/health</c>. Connector definitions never come back with their source password.
/// </summary>
public static class AdminApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<ClusterQueries>();
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.WriteIndented = true;
        });
        services.AddOpenApi();
    }

    public static void Map(WebApplication app)
    {
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenApi();
        app.MapGet("/health", (Node.JournalHealth journal) => journal.Error is { } error
                ? Results.Json(new { status = "degraded", journal = "unreachable: " + error }, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Ok(new { status = "ok", journal = "ok" }))
            .WithSummary("Liveness without an API key: 200, or 503 when the journal store is unreachable.");

        var connectors = app.MapGroup("/api/connectors").WithTags("connectors");
        connectors.MapGet("/", async (ClusterQueries q, CancellationToken ct) => Results.Ok(await q.ConnectorsAsync(ct)))
            .WithSummary("Every connector with its state, node, tables, position, lag and last error.")
            .Produces<IReadOnlyList<ConnectorInfo>>();
        connectors.MapPost("/", async (HttpRequest request, ClusterQueries q, CancellationToken ct) =>
            {
                var (definition, error) = await ReadDefinitionAsync(request, null, ct);
                if (error is not null) return error;
                return await CommandAsync(q, new DefineConnector(definition!.Id, definition, CreateOnly: true), ct);
            })
            .WithSummary("Create a connector (body: a connector definition).")
            .Accepts<ConnectorDefinition>("application/json")
            .Produces<ConnectorCommandResult>(StatusCodes.Status201Created)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        connectors.MapGet("/{id}", async (string id, ClusterQueries q, CancellationToken ct) =>
            {
                if (BadId(id) is { } bad) return bad;
                var info = await AskAsync<ConnectorInfo>(q, new GetConnectorInfo(id), ct);
                return info switch
                {
                    IResult r => r,
                    ConnectorInfo { State: "not_found" } => Results.NotFound(new ApiError($"connector {id} does not exist")),
                    var i => Results.Ok(i),
                };
            })
            .WithSummary("One connector: state, node, per-table progress, position, lag, last error.")
            .Produces<ConnectorInfo>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);
        connectors.MapPut("/{id}", async (string id, HttpRequest request, ClusterQueries q, CancellationToken ct) =>
            {
                if (BadId(id) is { } bad) return bad;
                var (definition, error) = await ReadDefinitionAsync(request, id, ct);
                if (error is not null) return error;
                return await CommandAsync(q, new DefineConnector(id, definition!, CreateOnly: false), ct);
            })
            .WithSummary("Update a connector's definition (a changed source or filter re-syncs every table).")
            .Accepts<ConnectorDefinition>("application/json")
            .Produces<ConnectorCommandResult>();
        connectors.MapDelete("/{id}", (string id, ClusterQueries q, CancellationToken ct) => Command(id, q, new DeleteConnector(id), ct))
            .WithSummary("Delete a connector (its destination file is kept).");
        connectors.MapPost("/{id}/pause", (string id, ClusterQueries q, CancellationToken ct) => Command(id, q, new PauseConnector(id), ct))
            .WithSummary("Pause: the connector stops cleanly and stays stopped (also across restarts) until resumed.");
        connectors.MapPost("/{id}/resume", (string id, ClusterQueries q, CancellationToken ct) => Command(id, q, new ResumeConnector(id), ct))
            .WithSummary("Resume a paused connector.");
        connectors.MapPost("/{id}/resync", (string id, string? table, ClusterQueries q, CancellationToken ct) =>
            {
                if (table is not null && (table.IndexOf('.', StringComparison.Ordinal) is <= 0 || table.EndsWith('.')))
                {
                    return Task.FromResult(Results.BadRequest(new ApiError($"table: '{table}' is not schema.table")));
                }
                return Command(id, q, new ResyncConnector(id, table), ct);
            })
            .WithSummary("Copy every table again, or one (?table=schema.table).");

        var cluster = app.MapGroup("/api/cluster").WithTags("cluster");
        cluster.MapGet("/members", (ClusterQueries q) => Results.Ok(q.Members()))
            .WithSummary("The cluster's members: address, status, roles, reachability, leader.")
            .Produces<IReadOnlyList<MemberInfo>>();
        cluster.MapPost("/leave", (AddressRequest body, ClusterQueries q) => Membership(body, q, leave: true))
            .WithSummary("Ask a member to leave the cluster gracefully (its connectors are handed over).");
        cluster.MapPost("/down", (AddressRequest body, ClusterQueries q) => Membership(body, q, leave: false))
            .WithSummary("Mark an unreachable member down (its connectors restart elsewhere). Use only for a node known dead.");

        var sharding = app.MapGroup("/api/sharding").WithTags("sharding");
        sharding.MapGet("/regions", async (ClusterQueries q, CancellationToken ct) => Results.Ok(await q.RegionsAsync(ct)))
            .WithSummary("Shard placement: the shards and connectors every node hosts.")
            .Produces<IReadOnlyList<RegionInfo>>();
        sharding.MapGet("/stats", async (ClusterQueries q, CancellationToken ct) =>
            {
                try
                {
                    var stats = await q.StatsAsync(ct);
                    return Results.Ok(stats.Regions.Select(p => new
                    {
                        node = p.Key.ToString(),
                        shards = p.Value.Stats.Count,
                        connectors = p.Value.Stats.Values.Sum(),
                        failed = p.Value.Failed.Count,
                    }).OrderBy(r => r.node, StringComparer.Ordinal).ToList());
                }
                catch (AskTimeoutException)
                {
                    return Results.Json(new ApiError("the shard regions did not answer in time"), statusCode: StatusCodes.Status503ServiceUnavailable);
                }
            })
            .WithSummary("Shards and connectors per node.");
    }

    /// <summary>The body of <c>cluster leave</c> and <c>cluster down</c>.</summary>
    public sealed record AddressRequest(string? Address);

    private static IResult Membership(AddressRequest? body, ClusterQueries q, bool leave)
    {
        if (body?.Address is not { Length: > 0 } text) return Results.BadRequest(new ApiError("address: required (akka.tcp://sluice@host:port)"));
        Address address;
        try
        {
            address = Address.Parse(text);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException)
        {
            return Results.BadRequest(new ApiError($"address: '{text}' is not an Akka address (akka.tcp://sluice@host:port)"));
        }
        if (!q.Cluster.State.Members.Any(m => m.Address.Equals(address)))
        {
            return Results.NotFound(new ApiError($"address: {address} is not a member of this cluster"));
        }
        if (leave) q.Cluster.Leave(address);
        else q.Cluster.Down(address);
        return Results.Ok(new { address = address.ToString(), action = leave ? "leave" : "down" });
    }

    private static IResult? BadId(string id) =>
        ConnectorDefinition.IdProblem(id) is { } error
            ? Results.BadRequest(new ApiError(error))
            : null;

    private static Task<IResult> Command(string id, ClusterQueries q, IConnectorMessage message, CancellationToken ct) =>
        BadId(id) is { } bad ? Task.FromResult(bad) : CommandAsync(q, message, ct);

    private static async Task<IResult> CommandAsync(ClusterQueries q, IConnectorMessage message, CancellationToken ct)
    {
        var reply = await AskAsync<ConnectorCommandResult>(q, message, ct);
        if (reply is IResult failed) return failed;
        var result = (ConnectorCommandResult)reply;
        return result.Code switch
        {
            "created" => Results.Created($"/api/connectors/{result.ConnectorId}", result),
            "ok" => Results.Ok(result),
            "not_found" => Results.NotFound(new ApiError(result.Message)),
            "conflict" => Results.Conflict(new ApiError(result.Message)),
            "invalid" => Results.BadRequest(new ApiError(result.Message)),
            "busy" => Results.Conflict(new ApiError(result.Message)),
            _ => Results.Json(new ApiError(result.Message), statusCode: StatusCodes.Status500InternalServerError),
        };
    }

    private static async Task<object> AskAsync<T>(ClusterQueries q, IConnectorMessage message, CancellationToken ct)
    {
        try
        {
            return (await q.AskConnectorAsync<T>(message, ct))!;
        }
        catch (AskTimeoutException)
        {
            return Results.Json(new ApiError($"connector {message.ConnectorId} did not answer in {ClusterQueries.AskTimeout.TotalSeconds:0} s (its shard may be moving to another node; retry)"),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<(ConnectorDefinition? Definition, IResult? Error)> ReadDefinitionAsync(HttpRequest request, string? id, CancellationToken ct)
    {
        if (!request.HasJsonContentType()) return (null, Results.BadRequest(new ApiError("body: a JSON connector definition is required (Content-Type: application/json)")));
        ConnectorDefinition? definition;
        try
        {
            definition = await JsonSerializer.DeserializeAsync<ConnectorDefinition>(request.Body, Json, ct);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
            return (null, Results.BadRequest(new ApiError($"{field}: {FirstSentence(ex.Message)}")));
        }
        if (definition is null) return (null, Results.BadRequest(new ApiError("body: a JSON connector definition is required")));
        request.HttpContext.RequestServices.GetService<SecretSet>()?.AddConnectionString(definition.SourceConnectionString);
        if (id is not null)
        {
            if (!string.IsNullOrEmpty(definition.Id) && definition.Id != id) return (null, Results.BadRequest(new ApiError($"id: '{definition.Id}' differs from the URL's '{id}'")));
            definition = definition with { Id = id };
        }
        var errors = definition.Validate();
        return errors.Count > 0 ? (null, Results.BadRequest(new ApiError(string.Join("; ", errors)))) : (definition, null);
    }

    // Never echo the JSON text (it may hold the password): keep the reader's explanation only.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
