using System.Text;

namespace Sluice.Binlog.Gtid;

/// <summary>
/// A MySQL GTID set: per source UUID (and, since MySQL 8.4, per tag) a list of disjoint GNO intervals.
/// Mutable (<see cref="Add(MySqlGtid)"/>, <see cref="UnionWith"/>); <see cref="ToString"/> gives MySQL's canonical
/// text (UUIDs ascending, untagged intervals first, then tags ascending, adjacent intervals merged), e.g.
/// <c>3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:11,3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:1-3</c> is printed as
/// <c>3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:11:tag:1-3</c>.
/// </summary>
public sealed class MySqlGtidSet : IEquatable<MySqlGtidSet>
{
    private readonly SortedDictionary<Tsid, List<GtidInterval>> _sets = new(TsidComparer.Instance);

    public MySqlGtidSet() { }

    /// <summary>True when the set holds no GTID.</summary>
    public bool IsEmpty => _sets.Count == 0;

    /// <summary>The (uuid, tag) groups in canonical order; Tag is null for untagged GTIDs.</summary>
    public IEnumerable<(Guid SourceId, string? Tag, IReadOnlyList<GtidInterval> Intervals)> Groups =>
        _sets.Select(kv => (kv.Key.Uuid, kv.Key.Tag.Length == 0 ? null : kv.Key.Tag, (IReadOnlyList<GtidInterval>)kv.Value));

    /// <summary>Parses MySQL GTID set text (empty or whitespace gives the empty set).</summary>
    public static MySqlGtidSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var set = new MySqlGtidSet();
        foreach (var rawGroup in text.Split(','))
        {
            var group = rawGroup.Trim();
            if (group.Length == 0)
            {
                if (text.Trim().Length == 0) continue;
                throw new FormatException($"empty UUID set in GTID set '{text}'");
            }
            var parts = group.Split(':');
            var uuid = GtidText.ParseUuid(parts[0], text);
            var tag = "";
            for (var i = 1; i < parts.Length; i++)
            {
                var p = parts[i].Trim();
                if (GtidText.LooksLikeTag(p))
                {
                    tag = GtidText.NormalizeTag(p, text);
                    continue;
                }
                var dash = p.IndexOf('-');
                var start = GtidText.ParseGno(dash < 0 ? p : p[..dash], text);
                var end = dash < 0 ? start : GtidText.ParseGno(p[(dash + 1)..], text);
                if (end < start) throw new FormatException($"interval '{p}' in GTID set '{text}' ends before it starts");
                set.AddInterval(uuid, tag.Length == 0 ? null : tag, start, end);
            }
        }
        return set;
    }

    /// <summary>Adds one GTID; returns false when it was already in the set.</summary>
    public bool Add(MySqlGtid gtid)
    {
        if (Contains(gtid)) return false;
        AddInterval(gtid.SourceId, gtid.Tag, gtid.Gno, gtid.Gno);
        return true;
    }

    /// <summary>Adds the inclusive GNO range <paramref name="start"/>..<paramref name="end"/> of one (uuid, tag).</summary>
    public void AddInterval(Guid sourceId, string? tag, long start, long end)
    {
        if (start < 1 || end < start) throw new ArgumentOutOfRangeException(nameof(start), $"invalid GNO interval {start}-{end}");
        var key = new Tsid(sourceId, tag ?? "");
        if (!_sets.TryGetValue(key, out var list)) _sets[key] = list = [];

        // Insert keeping the list sorted and disjoint, merging overlapping or adjacent intervals.
        var i = 0;
        while (i < list.Count && list[i].End < start - 1) i++;
        var newStart = start;
        var newEnd = end;
        var j = i;
        while (j < list.Count && (end == long.MaxValue || list[j].Start <= end + 1))
        {
            newStart = Math.Min(newStart, list[j].Start);
            newEnd = Math.Max(newEnd, list[j].End);
            j++;
        }
        list.RemoveRange(i, j - i);
        list.Insert(i, new GtidInterval(newStart, newEnd));
    }

    public bool Contains(MySqlGtid gtid)
    {
        if (!_sets.TryGetValue(new Tsid(gtid.SourceId, gtid.Tag ?? ""), out var list)) return false;
        int lo = 0, hi = list.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (gtid.Gno < list[mid].Start) hi = mid - 1;
            else if (gtid.Gno > list[mid].End) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /// <summary>True when every GTID of this set is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, list) in _sets)
        {
            if (!other._sets.TryGetValue(key, out var theirs)) return false;
            foreach (var iv in list)
            {
                if (!theirs.Any(t => t.Start <= iv.Start && iv.End <= t.End)) return false;
            }
        }
        return true;
    }

    /// <summary>Adds every GTID of <paramref name="other"/> to this set.</summary>
    public void UnionWith(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, list) in other._sets.ToList())
        {
            foreach (var iv in list) AddInterval(key.Uuid, key.Tag.Length == 0 ? null : key.Tag, iv.Start, iv.End);
        }
    }

    /// <summary>A new set holding the GTIDs of both sets.</summary>
    public MySqlGtidSet Union(MySqlGtidSet other)
    {
        var result = Clone();
        result.UnionWith(other);
        return result;
    }

    public MySqlGtidSet Clone()
    {
        var copy = new MySqlGtidSet();
        foreach (var (key, list) in _sets) copy._sets[key] = [.. list];
        return copy;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        Guid? current = null;
        foreach (var (key, list) in _sets)
        {
            if (current != key.Uuid)
            {
                if (current is not null) sb.Append(',');
                sb.Append(key.Uuid.ToString("D"));
                current = key.Uuid;
            }
            if (key.Tag.Length > 0) sb.Append(':').Append(key.Tag);
            foreach (var iv in list) sb.Append(':').Append(iv.ToString());
        }
        return sb.ToString();
    }

    public bool Equals(MySqlGtidSet? other) => other is not null && ToString() == other.ToString();
    public override bool Equals(object? obj) => obj is MySqlGtidSet s && Equals(s);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private readonly record struct Tsid(Guid Uuid, string Tag);

    /// <summary>Orders by the UUID's text (= its big-endian bytes), then untagged first, then tags ordinally.</summary>
    private sealed class TsidComparer : IComparer<Tsid>
    {
        public static readonly TsidComparer Instance = new();

        public int Compare(Tsid x, Tsid y)
        {
            if (x.Uuid != y.Uuid)
            {
                Span<byte> a = stackalloc byte[16];
                Span<byte> b = stackalloc byte[16];
                x.Uuid.TryWriteBytes(a, bigEndian: true, out _);
                y.Uuid.TryWriteBytes(b, bigEndian: true, out _);
                return a.SequenceCompareTo(b);
            }
            return string.CompareOrdinal(x.Tag, y.Tag);
        }
    }
}
