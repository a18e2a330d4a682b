using System.Text.RegularExpressions;

namespace Sluice.Cli.Binlog;

/// <summary>
/// Hides password literals in statements the binlog carries (CREATE/ALTER USER ... IDENTIFIED BY '...', SET PASSWORD
/// ... = '...', PASSWORD('...'), IDENTIFIED WITH plugin AS 'hash'), so printing a binlog never prints a secret.
/// </summary>
public static partial class SqlRedaction
{
    [GeneratedRegex(@"(?<lead>\bIDENTIFIED\s+(?:VIA|WITH)\s+\S+\s+(?:USING|AS|BY)\s+|\bIDENTIFIED\s+BY\s+(?:PASSWORD\s+)?|\bPASSWORD\s*\(\s*|\bSET\s+PASSWORD\b[^=]*=\s*(?:PASSWORD\s*\(\s*)?)(?<q>['""])(?:\\.|(?!\k<q>).|\k<q>\k<q>)*\k<q>",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex SecretLiteral();

    public static string Redact(string sql) =>
        sql.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase) || sql.Contains("IDENTIFIED", StringComparison.OrdinalIgnoreCase)
            ? SecretLiteral().Replace(sql, m => m.Groups["lead"].Value + "'***'")
            : sql;
}
