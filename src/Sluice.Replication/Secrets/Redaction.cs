using System.Text.RegularExpressions;
using MySqlConnector;

namespace Sluice.Replication.Secrets;

/// <summary>
/// The one place that keeps passwords out of what Sluice prints, logs and answers: connection strings
/// (<see cref="Redact"/>), free text such as log lines and error messages (<see cref="Scrub"/>), command lines
/// (<see cref="SecretsInArguments"/>) and SQL statements the binlog carries (<see cref="RedactSql"/>). A redacted value
/// shows <c>***</c> where the secret was.
/// </summary>
public static partial class Redaction
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    [GeneratedRegex(@"(?<key>\b(?:password|pwd)\s*=\s*)(?:""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPair();

    // In free text a password pair ends at whitespace too (the literal passwords are replaced first).
    [GeneratedRegex(@"(?<key>\b(?:password|pwd)\s*=\s*)(?:""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;\s]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPairInText();

    [GeneratedRegex(@"(?<lead>\bIDENTIFIED\s+(?:VIA|WITH)\s+\S+\s+(?:USING|AS|BY)\s+|\bIDENTIFIED\s+BY\s+(?:PASSWORD\s+)?|\bPASSWORD\s*\(\s*|\bSET\s+PASSWORD\b[^=]*=\s*(?:PASSWORD\s*\(\s*)?)(?<q>['""])(?:\\.|(?!\k<q>).|\k<q>\k<q>)*\k<q>",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex SqlSecretLiteral();

    /// <summary>
    /// A statement with its password literals hidden (CREATE/ALTER USER ... IDENTIFIED BY '...', SET PASSWORD ... = '...',
    /// PASSWORD('...'), IDENTIFIED WITH plugin AS 'hash'), so printing a binlog never prints a secret.
    /// </summary>
    public static string RedactSql(string sql) =>
        sql.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase) || sql.Contains("IDENTIFIED", StringComparison.OrdinalIgnoreCase)
            ? SqlSecretLiteral().Replace(sql, m => m.Groups["lead"].Value + "'" + Mask + "'")
            : sql;

    /// <summary>
    /// The connection string with its password replaced by <c>***</c>, other keys kept for diagnosis. Works on strings
    /// that do not parse too (every <c>Password=</c>/<c>Pwd=</c> pair is masked).
    /// </summary>
    public static string Redact(string connectionString) =>
        string.IsNullOrEmpty(connectionString) ? connectionString : PasswordPair().Replace(connectionString, m => m.Groups["key"].Value + Mask);

    /// <summary>The password in a connection string (null when none or unparsable).</summary>
    public static string? PasswordOf(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString)) return null;
        try
        {
            var password = new MySqlConnectionStringBuilder(connectionString).Password;
            return string.IsNullOrEmpty(password) ? null : password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The password of <paramref name="connectionString"/> as a secret list (empty when none).</summary>
    public static IReadOnlyCollection<string> SecretsOf(string? connectionString) => PasswordOf(connectionString) is { } p ? [p] : [];

    /// <summary>
    /// The passwords given anywhere on a command line, also when an unquoted connection string was split by the shell
    /// into several arguments (<c>Password=x</c>, <c>Password= x</c>, <c>Password = x</c>, <c>Pwd=x;...</c>).
    /// </summary>
    public static IReadOnlyCollection<string> SecretsInArguments(IReadOnlyList<string> args)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (PasswordOf(args[i]) is { } p) secrets.Add(p);
            foreach (Match m in PasswordPair().Matches(args[i]))
            {
                var value = args[i][(m.Index + m.Groups["key"].Length)..(m.Index + m.Length)].Trim().Trim('"', '\'');
                if (value.Length > 0) secrets.Add(value);
            }
            var token = args[i].Trim().TrimStart(';');
            var bare = token.TrimEnd('=').Trim();
            if (!bare.Equals("password", StringComparison.OrdinalIgnoreCase) && !bare.Equals("pwd", StringComparison.OrdinalIgnoreCase)) continue;
            // "Password=" then "x", or "Password" then "=" then "x", or "Password" then "=x".
            var next = i + 1 < args.Count ? args[i + 1] : null;
            string? candidate = token.EndsWith('=') ? next : next == "=" ? (i + 2 < args.Count ? args[i + 2] : null) : next?.StartsWith('=') == true ? next[1..] : null;
            if (candidate?.Split(';')[0].Trim() is { Length: > 0 } c) secrets.Add(c);
        }
        return secrets;
    }

    /// <summary>
    /// Removes secrets from a line: <c>Password=...</c> pairs, and every occurrence of the given literal passwords
    /// (a password that happens to be echoed in an error message, for instance).
    /// </summary>
    public static string Scrub(string text, IEnumerable<string>? secrets = null)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = text;
        foreach (var secret in secrets ?? [])
        {
            if (secret.Length > 0) result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return PasswordPairInText().Replace(result, m => m.Groups["key"].Value + Mask);
    }

    /// <summary>host:port of a connection string, for messages (never the password).</summary>
    public static string Endpoint(string connectionString)
    {
        try
        {
            var b = new MySqlConnectionStringBuilder(connectionString);
            return $"{b.Server}:{b.Port}";
        }
        catch (ArgumentException)
        {
            return "the source";
        }
    }
}
