using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Values;

/// <summary>
/// The byte vectors in <c>../shared/fixtures/binlog/vectors/*.json</c>, read in place at test time. A vector's id is
/// <c>file|group|index</c> (plus <c>|name</c> when the vector has its own id, for readability).
/// </summary>
internal static class VectorFixtures
{
    public static readonly string[] Files = ["go-mysql.json", "vitess.json", "MySqlCdc.json", "mysql-binlog-connector-java.json"];

    private static readonly Lazy<Dictionary<string, JsonDocument>> Documents = new(Load);

    public sealed record Vector(string Id, string File, JsonElement Group, JsonElement Data)
    {
        public string Kind => Group.GetProperty("kind").GetString()!;
        public byte[] Bytes => Convert.FromHexString(Data.GetProperty("hex").GetString()!);
        public JsonElement Expected => Data.GetProperty("expected");

        /// <summary>A field of the vector, falling back to the group (e.g. mysql_type).</summary>
        public JsonElement? Field(string name) =>
            Data.TryGetProperty(name, out var v) ? v : Group.TryGetProperty(name, out var g) ? g : null;
    }

    private static Dictionary<string, JsonDocument> Load()
    {
        var result = new Dictionary<string, JsonDocument>();
        var dir = RepositoryPaths.BinlogFixtures;
        if (dir is null) return result;
        foreach (var f in Files)
        {
            var path = Path.Combine(dir, "vectors", f);
            if (File.Exists(path)) result[f] = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        return result;
    }

    public static IEnumerable<Vector> All()
    {
        foreach (var (file, doc) in Documents.Value.OrderBy(p => Array.IndexOf(Files, p.Key)))
        {
            foreach (var group in doc.RootElement.GetProperty("groups").EnumerateArray())
            {
                var name = group.GetProperty("name").GetString()!;
                var i = 0;
                foreach (var v in group.GetProperty("vectors").EnumerateArray())
                {
                    var id = $"{file}|{name}|{i}";
                    if (v.TryGetProperty("id", out var own)) id += "|" + own.GetString();
                    yield return new Vector(id, file, group, v);
                    i++;
                }
            }
        }
    }

    public static IEnumerable<Vector> OfKind(string kind) => All().Where(v => v.Kind == kind);

    public static Vector Get(string id) =>
        All().FirstOrDefault(v => v.Id == id) ?? throw new InvalidOperationException($"vector {id} not found");

    /// <summary>Theory data: the ids of every vector of a kind (empty when the fixtures are absent).</summary>
    public static TheoryData<string> Ids(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var v in OfKind(kind)) data.Add(v.Id);
        return data;
    }
}
