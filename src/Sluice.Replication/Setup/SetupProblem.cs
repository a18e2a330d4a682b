using System.Text;

namespace Sluice.Replication.Setup;

public enum SetupSeverity
{
    /// <summary>Replication cannot run (or would lose data) until this is fixed.</summary>
    Error,
    /// <summary>Replication runs, but outside the recommendation.</summary>
    Warning,
}

/// <summary>One failed check: the setting (or privilege, or table) it is about, what is wrong, and the SQL (or step) that fixes it.</summary>
public sealed record SetupProblem(SetupSeverity Severity, string Setting, string Problem, string Fix)
{
    /// <summary>One line: <c>error: binlog_format is STATEMENT, ROW is required; fix: SET GLOBAL binlog_format = 'ROW';</c>.</summary>
    public override string ToString() =>
        $"{(Severity == SetupSeverity.Error ? "error" : "warning")}: {Setting}: {Problem}; fix: {Fix}";
}

/// <summary>The outcome of <see cref="SetupChecks.RunAsync"/>.</summary>
public sealed record SetupReport(IReadOnlyList<SetupProblem> Problems)
{
    public IEnumerable<SetupProblem> Errors => Problems.Where(p => p.Severity == SetupSeverity.Error);

    public IEnumerable<SetupProblem> Warnings => Problems.Where(p => p.Severity == SetupSeverity.Warning);

    /// <summary>True when no check failed with <see cref="SetupSeverity.Error"/> (warnings allowed).</summary>
    public bool CanReplicate => !Errors.Any();

    /// <summary>One line per problem (errors first), or a line saying every check passed.</summary>
    public string ToText()
    {
        if (Problems.Count == 0) return "setup: every check passed" + Environment.NewLine;
        var sb = new StringBuilder();
        foreach (var problem in Errors.Concat(Warnings)) sb.Append(problem).Append(Environment.NewLine);
        return sb.ToString();
    }
}
