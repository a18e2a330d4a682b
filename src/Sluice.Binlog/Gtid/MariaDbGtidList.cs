namespace Sluice.Binlog.Gtid;

/// <summary>
/// A MariaDB replication position (<c>gtid_slave_pos</c> style): at most one GTID per replication domain, e.g.
/// <c>0-1-100,1-2-5</c>. <see cref="ToString"/> lists domains ascending.
/// </summary>
public sealed class MariaDbGtidList : IEquatable<MariaDbGtidList>
{
    private readonly SortedDictionary<uint, MariaDbGtid> _byDomain = [];

    public MariaDbGtidList() { }

    public MariaDbGtidList(IEnumerable<MariaDbGtid> gtids)
    {
        ArgumentNullException.ThrowIfNull(gtids);
        foreach (var g in gtids) Advance(g);
    }

    public int Count => _byDomain.Count;
    public bool IsEmpty => _byDomain.Count == 0;

    /// <summary>The positions, one per domain, domains ascending.</summary>
    public IReadOnlyList<MariaDbGtid> Gtids => [.. _byDomain.Values];

    /// <summary>Parses a comma-separated list; a domain given twice is an error (as in MariaDB).</summary>
    public static MariaDbGtidList Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new MariaDbGtidList();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var gtid = MariaDbGtid.Parse(part);
            if (!list._byDomain.TryAdd(gtid.DomainId, gtid))
                throw new FormatException($"domain {gtid.DomainId} appears more than once in MariaDB GTID list '{text}'");
        }
        return list;
    }

    public bool TryGet(uint domainId, out MariaDbGtid gtid) => _byDomain.TryGetValue(domainId, out gtid);

    /// <summary>Records <paramref name="gtid"/> as the position of its domain (replacing the previous one).</summary>
    public void Advance(MariaDbGtid gtid) => _byDomain[gtid.DomainId] = gtid;

    public MariaDbGtidList Clone() => new(_byDomain.Values);

    public override string ToString() => string.Join(",", _byDomain.Values.Select(g => g.ToString()));

    public bool Equals(MariaDbGtidList? other) => other is not null && ToString() == other.ToString();
    public override bool Equals(object? obj) => obj is MariaDbGtidList l && Equals(l);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
