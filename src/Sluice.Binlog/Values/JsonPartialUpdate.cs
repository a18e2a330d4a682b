using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Values;

/// <summary>
/// MySQL 8 partial JSON updates (binlog_row_value_options=PARTIAL_JSON): in a PARTIAL_UPDATE_ROWS_EVENT after-image,
/// a JSON column flagged in the partial-JSON bitmap holds a list of logical diffs instead of a document.
/// <para>
/// Cell layout: the usual JSON length prefix (ColumnInfo.Metadata bytes, 4 on MySQL) giving the byte size of the diff
/// list, then diffs back to back. Each diff: operation byte (0 REPLACE, 1 INSERT, 2 REMOVE), path length as a packed
/// (length-encoded) integer, the path text (utf8mb4, MySQL JSON path syntax), and unless the operation is REMOVE, the
/// value length as a packed integer followed by a binary JSON value (type byte + value, like a JSON cell's document).
/// </para>
/// </summary>
public static class JsonPartialUpdate
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 512 };

    /// <summary>Parses a diff list: the bytes after the cell's length prefix (see the class summary).</summary>
    public static IReadOnlyList<JsonDiff> ParseDiffs(ReadOnlySpan<byte> diffBytes)
    {
        var reader = new SpanReader(diffBytes);
        var list = new List<JsonDiff>();
        while (!reader.IsAtEnd)
        {
            var at = reader.Offset;
            var op = reader.ReadByte();
            if (op > (byte)JsonDiffOperation.Remove)
                throw new BinlogFormatException($"invalid JSON diff operation {op} at offset {at}");
            var pathLength = reader.ReadLengthEncodedInteger();
            if (pathLength > (ulong)reader.Remaining)
                throw new BinlogFormatException($"JSON diff path length {pathLength} at offset {at} exceeds the {reader.Remaining} byte(s) left");
            var path = Encoding.UTF8.GetString(reader.ReadBytes((int)pathLength));
            MySqlJson? value = null;
            if (op != (byte)JsonDiffOperation.Remove)
            {
                var valueLength = reader.ReadLengthEncodedInteger();
                if (valueLength > (ulong)reader.Remaining)
                    throw new BinlogFormatException($"JSON diff value length {valueLength} at offset {at} exceeds the {reader.Remaining} byte(s) left");
                value = JsonBinaryDecoder.Decode(reader.ReadBytes((int)valueLength));
            }
            list.Add(new JsonDiff((JsonDiffOperation)op, path, value));
        }
        return list;
    }

    /// <summary>Applies a binary diff list (bytes after the length prefix) to the before-image, giving the after-image.</summary>
    public static MySqlJson ApplyJsonDiff(MySqlJson before, ReadOnlySpan<byte> diffBytes) => Apply(before, ParseDiffs(diffBytes));

    /// <summary>
    /// Applies diffs in order (MySQL apply_json_diffs semantics). A diff that cannot apply (path missing, parent not a
    /// container) throws <see cref="BinlogFormatException"/>: the before-image is not the one the source server had.
    /// </summary>
    public static MySqlJson Apply(MySqlJson before, IEnumerable<JsonDiff> diffs)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(diffs);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(before.Text, documentOptions: ParseOptions);
        }
        catch (JsonException e)
        {
            throw new BinlogFormatException("JSON diff: the before-image is not valid JSON", e);
        }

        foreach (var diff in diffs) root = ApplyOne(root, diff);
        return new MySqlJson(Write(root));
    }

    private static JsonNode? ApplyOne(JsonNode? root, JsonDiff diff)
    {
        var legs = JsonPathLeg.Parse(diff.Path);
        JsonNode? NewValue() => diff.Value is null
            ? throw new BinlogFormatException($"JSON diff {diff.Operation} {diff.Path} has no value")
            : JsonNode.Parse(diff.Value.Text, documentOptions: ParseOptions);

        if (legs.Count == 0)
        {
            return diff.Operation switch
            {
                JsonDiffOperation.Replace => NewValue(),
                _ => throw new BinlogFormatException($"JSON diff {diff.Operation} cannot apply to the root path '{diff.Path}'"),
            };
        }

        // Walk to the parent of the last leg.
        var parent = root;
        for (var i = 0; i < legs.Count - 1; i++)
        {
            parent = Step(parent, legs[i]) ?? throw NotFound(diff, "an intermediate value is missing or null");
        }

        var last = legs[^1];
        switch (diff.Operation)
        {
            case JsonDiffOperation.Replace:
                if (last.Key is not null)
                {
                    if (parent is not JsonObject o || !o.ContainsKey(last.Key)) throw NotFound(diff, "no such member");
                    o[last.Key] = NewValue();
                }
                else if (parent is JsonArray a)
                {
                    var idx = last.ResolveIndex(a.Count);
                    if (idx < 0 || idx >= a.Count) throw NotFound(diff, "array index out of range");
                    a[idx] = NewValue();
                }
                else
                {
                    // A scalar/object seen through [0] is the value itself (MySQL auto-wrapping).
                    if (last.ResolveIndex(1) != 0) throw NotFound(diff, "array index on a non-array");
                    return ReplaceChild(root, legs, NewValue(), diff);
                }
                return root;

            case JsonDiffOperation.Insert:
                if (last.Key is not null)
                {
                    if (parent is not JsonObject o) throw NotFound(diff, "parent is not an object");
                    o[last.Key] = NewValue();
                }
                else if (parent is JsonArray a)
                {
                    var idx = last.ResolveIndex(a.Count);
                    a.Insert(Math.Clamp(idx, 0, a.Count), NewValue());
                }
                else
                {
                    // Auto-wrap: the parent becomes [parent] and the value goes at the index.
                    var wrapped = new JsonArray();
                    var idx = last.ResolveIndex(1);
                    var old = parent?.DeepClone();
                    wrapped.Add(old);
                    wrapped.Insert(Math.Clamp(idx, 0, 1), NewValue());
                    return ReplaceChild(root, legs.Take(legs.Count - 1).ToList(), wrapped, diff);
                }
                return root;

            default:
                if (last.Key is not null)
                {
                    if (parent is not JsonObject o || !o.Remove(last.Key)) throw NotFound(diff, "no such member");
                }
                else if (parent is JsonArray a)
                {
                    var idx = last.ResolveIndex(a.Count);
                    if (idx < 0 || idx >= a.Count) throw NotFound(diff, "array index out of range");
                    a.RemoveAt(idx);
                }
                else
                {
                    throw NotFound(diff, "parent is not an array");
                }
                return root;
        }
    }

    /// <summary>Replaces the value addressed by <paramref name="legs"/> (the last leg being [0] on a non-array, or the parent path).</summary>
    private static JsonNode? ReplaceChild(JsonNode? root, IReadOnlyList<JsonPathLeg> legs, JsonNode? value, JsonDiff diff)
    {
        // Drop trailing [0] legs that address a non-array value itself.
        var effective = legs.ToList();
        while (effective.Count > 0 && effective[^1].Key is null)
        {
            var holder = Resolve(root, effective.Take(effective.Count - 1));
            if (holder is JsonArray) break;
            effective.RemoveAt(effective.Count - 1);
        }
        if (effective.Count == 0) return value;
        var parent = Resolve(root, effective.Take(effective.Count - 1)) ?? throw NotFound(diff, "parent missing");
        var last = effective[^1];
        if (last.Key is not null && parent is JsonObject o) o[last.Key] = value;
        else if (last.Key is null && parent is JsonArray a)
        {
            var idx = last.ResolveIndex(a.Count);
            if (idx < 0 || idx >= a.Count) throw NotFound(diff, "array index out of range");
            a[idx] = value;
        }
        else throw NotFound(diff, "path does not match the document");
        return root;
    }

    private static JsonNode? Resolve(JsonNode? root, IEnumerable<JsonPathLeg> legs)
    {
        var node = root;
        foreach (var leg in legs) node = Step(node, leg);
        return node;
    }

    private static JsonNode? Step(JsonNode? node, JsonPathLeg leg)
    {
        if (leg.Key is not null) return node is JsonObject o && o.TryGetPropertyValue(leg.Key, out var v) ? v : null;
        if (node is JsonArray a)
        {
            var idx = leg.ResolveIndex(a.Count);
            return idx >= 0 && idx < a.Count ? a[idx] : null;
        }
        return leg.ResolveIndex(1) == 0 ? node : null;
    }

    private static BinlogFormatException NotFound(JsonDiff diff, string why) =>
        new($"cannot apply JSON diff {diff.Operation} at path '{diff.Path}': {why} in the before-image");

    /// <summary>Compact JSON text of a node in the same style as <see cref="JsonBinaryDecoder"/>.</summary>
    internal static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node);
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
            {
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    JsonText.AppendString(sb, k);
                    sb.Append(':');
                    WriteNode(sb, v);
                }
                sb.Append('}');
                break;
            }
            case JsonArray a:
            {
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteNode(sb, a[i]);
                }
                sb.Append(']');
                break;
            }
            default:
            {
                var v = node.AsValue();
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: JsonText.AppendString(sb, v.GetValue<string>()); break;
                    case JsonValueKind.True: sb.Append("true"); break;
                    case JsonValueKind.False: sb.Append("false"); break;
                    case JsonValueKind.Null: sb.Append("null"); break;
                    default: sb.Append(v.ToJsonString()); break; // numbers: the parsed text as is
                }
                break;
            }
        }
    }

    /// <summary>One leg of a MySQL JSON path: a member name, or an array index (from the start, or from the end for "last").</summary>
    private sealed record JsonPathLeg(string? Key, int Index, bool FromEnd)
    {
        public int ResolveIndex(int count) => FromEnd ? count - 1 - Index : Index;

        public static List<JsonPathLeg> Parse(string path)
        {
            var legs = new List<JsonPathLeg>();
            var i = 0;
            SkipSpaces(path, ref i);
            if (i >= path.Length || path[i] != '$') throw Bad(path, i, "must start with '$'");
            i++;
            while (true)
            {
                SkipSpaces(path, ref i);
                if (i >= path.Length) break;
                var c = path[i];
                if (c == '.')
                {
                    i++;
                    SkipSpaces(path, ref i);
                    if (i < path.Length && path[i] == '"') legs.Add(new JsonPathLeg(ReadQuoted(path, ref i), 0, false));
                    else
                    {
                        var start = i;
                        while (i < path.Length && path[i] is not ('.' or '[' or ' ' or '*')) i++;
                        if (i == start) throw Bad(path, i, "empty or wildcard member name");
                        legs.Add(new JsonPathLeg(path[start..i], 0, false));
                    }
                }
                else if (c == '[')
                {
                    i++;
                    var close = path.IndexOf(']', i);
                    if (close < 0) throw Bad(path, i, "missing ']'");
                    var inner = path[i..close].Trim();
                    i = close + 1;
                    if (inner.StartsWith("last", StringComparison.Ordinal))
                    {
                        var rest = inner[4..].Trim();
                        var back = 0;
                        if (rest.Length > 0)
                        {
                            if (rest[0] != '-' || !int.TryParse(rest[1..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out back))
                                throw Bad(path, i, "invalid 'last-N' index");
                        }
                        legs.Add(new JsonPathLeg(null, back, true));
                    }
                    else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var idx))
                    {
                        legs.Add(new JsonPathLeg(null, idx, false));
                    }
                    else
                    {
                        throw Bad(path, i, "invalid array index (ranges and wildcards are not valid in diffs)");
                    }
                }
                else
                {
                    throw Bad(path, i, $"unexpected '{c}'");
                }
            }
            return legs;
        }

        private static string ReadQuoted(string path, ref int i)
        {
            // A JSON string literal.
            var start = i;
            i++;
            var escaped = false;
            while (i < path.Length)
            {
                var ch = path[i++];
                if (escaped) escaped = false;
                else if (ch == '\\') escaped = true;
                else if (ch == '"')
                {
                    try
                    {
                        var json = new Utf8JsonReader(Encoding.UTF8.GetBytes(path[start..i]));
                        json.Read();
                        return json.GetString() ?? "";
                    }
                    catch (Exception e) when (e is JsonException or InvalidOperationException)
                    {
                        throw new BinlogFormatException($"invalid quoted member name in JSON path '{path}'", e);
                    }
                }
            }
            throw Bad(path, start, "unterminated quoted member name");
        }

        private static void SkipSpaces(string s, ref int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        }

        private static BinlogFormatException Bad(string path, int at, string why) => new($"invalid JSON path '{path}' at {at}: {why}");
    }
}
