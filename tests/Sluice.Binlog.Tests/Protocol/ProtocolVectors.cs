using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Protocol;

/// <summary>Reads the shared byte vectors (vectors/*.json) in place; empty when the fixtures folder is absent.</summary>
internal static class ProtocolVectors
{
    public static JsonElement? Vector(string file, string group, string id)
    {
        foreach (var v in Group(file, group))
        {
            if (v.GetProperty("id").GetString() == id) return v;
        }
        return null;
    }

    public static JsonElement Require(string file, string group, string id) =>
        Vector(file, group, id) ?? throw new InvalidOperationException($"vector {file}/{group}/{id} not found");

    public static IEnumerable<JsonElement> Group(string file, string group)
    {
        var root = RepositoryPaths.BinlogFixtures;
        if (root is null) yield break;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "vectors", file)));
        foreach (var g in doc.RootElement.GetProperty("groups").EnumerateArray())
        {
            if (g.GetProperty("name").GetString() != group) continue;
            foreach (var v in g.GetProperty("vectors").EnumerateArray()) yield return v.Clone();
        }
    }

    /// <summary>MemberData rows: the ids of a group (a placeholder row when absent so the theory can skip).</summary>
    public static TheoryData<string> Ids(string file, string group)
    {
        var data = new TheoryData<string>();
        foreach (var v in Group(file, group)) data.Add(v.GetProperty("id").GetString()!);
        if (data.Count == 0) data.Add("(fixtures absent)");
        return data;
    }

    public static byte[] Hex(this JsonElement e, string property) => Convert.FromHexString(e.GetProperty(property).GetString()!);

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;
}
