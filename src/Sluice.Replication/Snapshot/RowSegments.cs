using System.Collections;

namespace Sluice.Replication.Snapshot;

/// <summary>
/// Several lists of rows read as one, without copying them into one list (several snapshot chunks written in one
/// destination transaction). Enumerating is the fast way through; the indexer finds the segment first.
/// </summary>
public sealed class RowSegments : IReadOnlyList<object?[]>
{
    private readonly IReadOnlyList<object?[]>[] _segments;

    public RowSegments(IEnumerable<IReadOnlyList<object?[]>> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _segments = segments.ToArray();
        Count = _segments.Sum(s => s.Count);
    }

    public int Count { get; }

    public object?[] this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            foreach (var segment in _segments)
            {
                if (index < segment.Count) return segment[index];
                index -= segment.Count;
            }
            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    public IEnumerator<object?[]> GetEnumerator()
    {
        foreach (var segment in _segments)
        {
            for (var i = 0; i < segment.Count; i++) yield return segment[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
