using System.IO.Compression;
using System.Text.Json;
using Sluice.Binlog.Events;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>
/// Loads the shared binlog fixtures (../shared/fixtures/binlog) at test time: byte vectors by kind and id, recorded
/// files with their MANIFEST/EXPECTED. Everything is empty when the folder is absent (the theories are then skipped).
/// </summary>
internal static class BinlogFixtures
{
    public sealed record VectorCase(string File, JsonElement Group, JsonElement Vector)
    {
        public string Id => Vector.GetProperty("id").GetString()!;
        public string Kind => Group.GetProperty("kind").GetString()!;
        public JsonElement Expected => Vector.TryGetProperty("expected", out var e) ? e : default;
    }

    private static readonly Lazy<Dictionary<string, VectorCase>> Vectors = new(LoadVectors);

    private static Dictionary<string, VectorCase> LoadVectors()
    {
        var result = new Dictionary<string, VectorCase>();
        if (RepositoryPaths.BinlogFixtures is not { } root) return result;
        foreach (var path in Directory.GetFiles(Path.Combine(root, "vectors"), "*.json").Order(StringComparer.Ordinal))
        {
            var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("groups", out var groups)) continue;
            foreach (var group in groups.EnumerateArray())
            {
                if (!group.TryGetProperty("vectors", out var vectors)) continue;
                foreach (var vector in vectors.EnumerateArray())
                {
                    if (!vector.TryGetProperty("id", out var id)) continue;
                    var key = $"{Path.GetFileName(path)}/{group.GetProperty("name").GetString()}/{id.GetString()}";
                    result[key] = new VectorCase(Path.GetFileName(path), group, vector);
                }
            }
        }
        return result;
    }

    /// <summary>Keys ("file/group/id") of every vector of the given kinds.</summary>
    public static TheoryData<string> VectorKeys(params string[] kinds)
    {
        var data = new TheoryData<string>();
        foreach (var (key, v) in Vectors.Value)
        {
            if (kinds.Contains(v.Kind)) data.Add(key);
        }
        return data;
    }

    public static VectorCase Vector(string key) => Vectors.Value[key];

    /// <summary>The vectors of the same group that come before <paramref name="key"/>.</summary>
    public static IEnumerable<VectorCase> Preceding(string key)
    {
        var target = Vectors.Value[key];
        foreach (var v in target.Group.GetProperty("vectors").EnumerateArray())
        {
            if (v.GetProperty("id").GetString() == target.Id) yield break;
            yield return new VectorCase(target.File, target.Group, v);
        }
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static string Root => RepositoryPaths.BinlogFixtures ?? throw new InvalidOperationException(RepositoryPaths.MissingFixturesMessage);

    /// <summary>Keys ("folder/file") of every recorded file listed in a MANIFEST.json.</summary>
    public static TheoryData<string> FileKeys()
    {
        var data = new TheoryData<string>();
        if (RepositoryPaths.BinlogFixtures is not { } root) return data;
        foreach (var folder in Directory.GetDirectories(Path.Combine(root, "files")).Order(StringComparer.Ordinal))
        {
            var manifest = Path.Combine(folder, "MANIFEST.json");
            if (!File.Exists(manifest)) continue;
            using var doc = JsonDocument.Parse(File.ReadAllBytes(manifest));
            foreach (var f in doc.RootElement.GetProperty("files").EnumerateArray())
                data.Add($"{Path.GetFileName(folder)}/{f.GetProperty("file").GetString()}");
        }
        return data;
    }

    /// <summary>The MANIFEST.json entry of a recorded file.</summary>
    public static JsonElement Manifest(string fileKey)
    {
        var (folder, file) = Split(fileKey);
        var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "files", folder, "MANIFEST.json")));
        return doc.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == file);
    }

    /// <summary>The EXPECTED.json entry of a recorded file, if any.</summary>
    public static JsonElement? Expected(string folder, string file)
    {
        var path = Path.Combine(Root, "files", folder, "EXPECTED.json");
        if (!File.Exists(path)) return null;
        var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (doc.RootElement.TryGetProperty("files", out var files) && files.TryGetProperty(file, out var entry)) return entry;
        return null;
    }

    public static JsonElement ExpectedDocument(string folder) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "files", folder, "EXPECTED.json"))).RootElement;

    /// <summary>The bytes of a recorded file; .gz files are decompressed in memory.</summary>
    public static byte[] FileBytes(string fileKey)
    {
        var (folder, file) = Split(fileKey);
        var path = Path.Combine(Root, "files", folder, file);
        if (!file.EndsWith(".gz", StringComparison.Ordinal)) return File.ReadAllBytes(path);
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    public static (string Folder, string File) Split(string fileKey)
    {
        var slash = fileKey.IndexOf('/');
        return (fileKey[..slash], fileKey[(slash + 1)..]);
    }

    /// <summary>A header for an event body given alone (event_data vectors).</summary>
    public static EventHeader HeaderFor(BinlogEventType type, int bodyLength, uint serverId = 0) =>
        new(0, type, serverId, (uint)(EventHeader.Size + bodyLength), 0, 0);

    public static bool IsNull(this JsonElement e) => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public static bool Has(this JsonElement e, string name, out JsonElement value)
    {
        value = default;
        return e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value);
    }
}
