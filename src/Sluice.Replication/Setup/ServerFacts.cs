namespace Sluice.Replication.Setup;

/// <summary>
/// What the setup checks read from the server (see <see cref="SetupChecks.ReadFactsAsync"/>); a plain record so
/// <see cref="SetupChecks.Evaluate"/> can be tested without a server.
/// </summary>
/// <param name="Version">The <c>version</c> variable, e.g. <c>10.11.6-MariaDB-log</c> or <c>8.0.36</c>.</param>
/// <param name="Variables">Global variables by lower-case name (only those the server has): <c>log_bin</c>,
/// <c>binlog_format</c>, <c>binlog_row_image</c>, <c>expire_logs_days</c>, <c>binlog_expire_logs_seconds</c>,
/// <c>binlog_expire_logs_auto_purge</c>.</param>
/// <param name="IsRds">Whether <c>mysql.rds_configuration</c> could be read (Amazon RDS / Aurora).</param>
/// <param name="RdsRetentionHours">RDS's <c>binlog retention hours</c> (null: NULL, i.e. purged as soon as possible, or not RDS).</param>
/// <param name="CurrentUser">CURRENT_USER(): <c>user@host</c>.</param>
/// <param name="Grants">The lines of SHOW GRANTS for the current user.</param>
public sealed record ServerFacts(
    string Version,
    IReadOnlyDictionary<string, string> Variables,
    bool IsRds,
    long? RdsRetentionHours,
    string CurrentUser,
    IReadOnlyList<string> Grants)
{
    public bool IsMariaDb => Version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>The leading <c>major.minor</c> of <see cref="Version"/> (0.0 when unreadable).</summary>
    public Version NumericVersion
    {
        get
        {
            var digits = new string(Version.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray()).Split('.', StringSplitOptions.RemoveEmptyEntries);
            return digits.Length >= 2 && int.TryParse(digits[0], out var major) && int.TryParse(digits[1], out var minor)
                ? new Version(major, minor)
                : new Version(0, 0);
        }
    }

    public string? Variable(string name) => Variables.TryGetValue(name, out var value) ? value : null;
}
