using System.Globalization;
using System.Text;
using Sluice.Replication.Discovery;
using Sluice.Replication.Snapshot;

namespace Sluice.Replication.Verify;

public enum DifferenceKind
{
    /// <summary>A source row has no live destination row (absent, or marked <c>_fivetran_deleted</c>).</summary>
    Missing,
    /// <summary>A live destination row has no source row.</summary>
    Extra,
    /// <summary>Source and live destination rows with the same key hold different values.</summary>
    Different,
    /// <summary>A key appears in more than one destination row.</summary>
    Duplicate,
}

/// <summary>
/// One listed difference. <see cref="Key"/> is the primary key in canonical values, or for tables without primary key the
/// one-element <c>_fivetran_id</c>.
/// </summary>
public sealed record RowDifference(DifferenceKind Kind, RowKey Key, string Detail)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Key}: {Detail}";
}

/// <summary>Options for <see cref="TableVerifier"/> and <see cref="DatabaseVerifier"/>.</summary>
public sealed record VerifyOptions
{
    /// <summary>How many differences of each kind are listed (all are counted).</summary>
    public int MaxListed { get; init; } = 10;

    /// <summary>Source rows read per batch.</summary>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>The column hashing the destination was written with (hashed columns compare as their salted hashes).</summary>
    public Destinations.ColumnHashing? Hashing { get; init; }
}

/// <summary>The comparison of one source table with its destination table.</summary>
/// <param name="Table">The table.</param>
/// <param name="HasPrimaryKey">Whether rows are keyed by primary key (else by <c>_fivetran_id</c>).</param>
/// <param name="SourceRows">Rows in the source.</param>
/// <param name="SourceDistinctRows">Distinct keys in the source (for tables without primary key identical rows count once,
/// as they collapse to one destination row).</param>
/// <param name="DestinationLiveRows">Destination rows not marked <c>_fivetran_deleted</c>.</param>
/// <param name="DestinationDeletedRows">Destination rows marked <c>_fivetran_deleted</c>.</param>
/// <param name="MissingCount">Source keys without a live destination row.</param>
/// <param name="ExtraCount">Live destination keys without a source row.</param>
/// <param name="DifferentCount">Keys whose values differ.</param>
/// <param name="DuplicateCount">Keys held by more than one destination row.</param>
/// <param name="Differences">The first <see cref="VerifyOptions.MaxListed"/> differences of each kind.</param>
/// <param name="Error">Why the table could not be compared (missing destination table or column, read failure), else null.</param>
public sealed record TableVerification(
    TableId Table,
    bool HasPrimaryKey,
    long SourceRows,
    long SourceDistinctRows,
    long DestinationLiveRows,
    long DestinationDeletedRows,
    long MissingCount,
    long ExtraCount,
    long DifferentCount,
    long DuplicateCount,
    IReadOnlyList<RowDifference> Differences,
    string? Error = null)
{
    public bool IsClean => Error is null && MissingCount == 0 && ExtraCount == 0 && DifferentCount == 0 && DuplicateCount == 0
                           && SourceDistinctRows == DestinationLiveRows;

    public IEnumerable<RowDifference> Of(DifferenceKind kind) => Differences.Where(d => d.Kind == kind);

    /// <summary>A per-table text block: a status line, then one line per listed difference.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        var status = Error is not null ? "ERROR" : IsClean ? "OK" : "DIFFERS";
        var source = HasPrimaryKey || SourceRows == SourceDistinctRows
            ? SourceRows.ToString(CultureInfo.InvariantCulture)
            : $"{SourceRows} ({SourceDistinctRows} distinct)";
        sb.Append(CultureInfo.InvariantCulture,
            $"{status,-7} {Table}: source {source} rows, destination {DestinationLiveRows} live + {DestinationDeletedRows} deleted");
        if (Error is null && !IsClean)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"; missing {MissingCount}, extra {ExtraCount}, different {DifferentCount}, duplicated {DuplicateCount}");
        }
        sb.Append(Environment.NewLine);
        if (Error is not null) sb.Append("        ").Append(Error).Append(Environment.NewLine);
        foreach (var kind in Enum.GetValues<DifferenceKind>())
        {
            var listed = Of(kind).ToList();
            foreach (var difference in listed) sb.Append("        ").Append(difference).Append(Environment.NewLine);
            var total = kind switch
            {
                DifferenceKind.Missing => MissingCount,
                DifferenceKind.Extra => ExtraCount,
                DifferenceKind.Different => DifferentCount,
                _ => DuplicateCount,
            };
            if (total > listed.Count)
            {
                sb.Append(CultureInfo.InvariantCulture, $"        ... and {total - listed.Count} more {kind.ToString().ToLowerInvariant()}")
                  .Append(Environment.NewLine);
            }
        }
        return sb.ToString();
    }
}

/// <summary>The comparison of every table of a database.</summary>
public sealed record DatabaseVerification(IReadOnlyList<TableVerification> Tables)
{
    public bool IsClean => Tables.All(t => t.IsClean);

    /// <summary>The per-table blocks and a closing summary line.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var table in Tables) sb.Append(table.ToText());
        var clean = Tables.Count(t => t.IsClean);
        var errors = Tables.Count(t => t.Error is not null);
        sb.Append(CultureInfo.InvariantCulture,
            $"verified {Tables.Count} tables: {clean} identical, {Tables.Count - clean - errors} different, {errors} not comparable");
        sb.Append(Environment.NewLine);
        return sb.ToString();
    }
}
