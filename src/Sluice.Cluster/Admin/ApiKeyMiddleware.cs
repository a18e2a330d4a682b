using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Cluster.Node;

namespace Sluice.Cluster.Admin;

/// <summary>
/// Every admin request needs <c>Authorization: Bearer KEY</c> with one of the node's API keys (compared in constant
/// time); others get 401 and a log line naming the request and the reason, never the key.
/// </summary>
public sealed partial class ApiKeyMiddleware(RequestDelegate next, NodeOptions options, ILogger<ApiKeyMiddleware> logger)
{
    private readonly byte[][] _keys = options.Admin.ApiKeys.Where(k => !string.IsNullOrEmpty(k)).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health"))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        string? reason = null;
        if (string.IsNullOrEmpty(header)) reason = "no Authorization header";
        else if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) reason = "the Authorization header is not 'Bearer KEY'";
        else if (_keys.Length == 0) reason = "this node has no API key configured (Admin:ApiKeys)";
        else
        {
            var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
            var match = false;
            foreach (var key in _keys) match |= CryptographicOperations.FixedTimeEquals(given, key);
            if (!match) reason = "unknown API key";
        }
        if (reason is null)
        {
            await next(context);
            return;
        }
        LogRefused(context.Request.Method, context.Request.Path.Value ?? "/", context.Connection.RemoteIpAddress?.ToString() ?? "?", reason);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsJsonAsync(new ApiError("unauthorized: " + reason + " (send 'Authorization: Bearer KEY')"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "admin API: {Method} {Path} from {Remote} refused (401): {Reason}")]
    private partial void LogRefused(string method, string path, string remote, string reason);
}

/// <summary>The body of every error answer.</summary>
public sealed record ApiError(string Error);
