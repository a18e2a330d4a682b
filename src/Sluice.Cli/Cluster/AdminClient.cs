using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Cli.Cluster;

/// <summary>
/// The HTTP client of <c>sluice ctl</c>. Failures become <see cref="CliError"/>s with the documented exit codes
/// (<see cref="CtlExitCodes"/>).
/// </summary>
public sealed class AdminClient(string node, string? apiKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = BaseUri(node), Timeout = TimeSpan.FromSeconds(30) };

    private static Uri BaseUri(string node)
    {
        var text = node.Contains("://", StringComparison.Ordinal) ? node : "http://" + node;
        if (!Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri)) throw new CliError($"--node: '{node}' is not HOST:PORT", CtlExitCodes.Usage);
        return uri;
    }

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode?> PostAsync(string path, string? json, CancellationToken ct) => SendAsync(HttpMethod.Post, path, json, ct);

    public Task<JsonNode?> PutAsync(string path, string json, CancellationToken ct) => SendAsync(HttpMethod.Put, path, json, ct);

    public Task<JsonNode?> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (!string.IsNullOrEmpty(apiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        else if (method == HttpMethod.Post) request.Content = new StringContent("", Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliError($"cannot reach the node at {_http.BaseAddress}: {ex.Message}", CtlExitCodes.Unreachable);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliError($"the node at {_http.BaseAddress} did not answer in {_http.Timeout.TotalSeconds:0} s", CtlExitCodes.Unreachable);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            JsonNode? node = null;
            if (body.Length > 0)
            {
                try
                {
                    node = JsonNode.Parse(body);
                }
                catch (JsonException)
                {
                    node = null;
                }
            }
            if (response.IsSuccessStatusCode) return node;
            var message = node?["error"]?.GetValue<string>() ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
            throw new CliError(message, response.StatusCode switch
            {
                HttpStatusCode.BadRequest => CtlExitCodes.Usage,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => CtlExitCodes.Unauthorized,
                HttpStatusCode.NotFound => CtlExitCodes.NotFound,
                HttpStatusCode.Conflict => CtlExitCodes.Conflict,
                HttpStatusCode.ServiceUnavailable => CtlExitCodes.Unavailable,
                _ => CtlExitCodes.Failure,
            });
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The exit codes of <c>sluice ctl</c> (documented in docs/cluster.md).</summary>
public static class CtlExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Conflict = 4;
    public const int Unauthorized = 5;
    public const int Unreachable = 6;
    public const int Unavailable = 7;
}
