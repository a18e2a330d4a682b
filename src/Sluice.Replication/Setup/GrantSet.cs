using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Replication.Setup;

/// <summary>
/// The privileges SHOW GRANTS lists for the current user, parsed enough to answer "does the user hold privilege P
/// globally" and "can the user SELECT from table T" (global, database-level with its <c>%</c>/<c>_</c> wildcards, or
/// table/column-level grants). Procedure and function grants are ignored; role grants (<c>GRANT `r` TO `u`</c>) are
/// counted in <see cref="RoleGrants"/> since their privileges are not listed.
/// </summary>
internal sealed class GrantSet
{
    private readonly List<Grant> _grants = [];

    private sealed record Grant(HashSet<string> Privileges, string? Database, Regex? DatabasePattern, string? Table);

    public int RoleGrants { get; private set; }

    public static GrantSet Parse(IEnumerable<string> lines)
    {
        var set = new GrantSet();
        foreach (var line in lines) set.Add(line.Trim());
        return set;
    }

    private void Add(string line)
    {
        if (!line.StartsWith("GRANT ", StringComparison.OrdinalIgnoreCase)) return;
        var on = IndexOfKeyword(line, " ON ");
        var to = IndexOfKeyword(line, " TO ");
        if (on < 0 || (to >= 0 && to < on))
        {
            if (to >= 0) RoleGrants++;
            return;
        }
        if (to < 0) return;
        var privileges = SplitPrivileges(line[6..on]);
        var target = line[(on + 4)..to].Trim();
        if (target.StartsWith("PROCEDURE ", StringComparison.OrdinalIgnoreCase)
            || target.StartsWith("FUNCTION ", StringComparison.OrdinalIgnoreCase)
            || target.StartsWith("PACKAGE ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        if (target is "*.*" or "*")
        {
            // '*' alone is the default database when the grant was made; treat it as global only when written *.*.
            if (target == "*.*") _grants.Add(new Grant(privileges, null, null, null));
            return;
        }
        var (database, rest) = ReadIdentifier(target, 0);
        if (rest >= target.Length || target[rest] != '.') return;
        if (target.AsSpan(rest + 1).SequenceEqual("*"))
        {
            _grants.Add(new Grant(privileges, database, DatabasePattern(database), null));
            return;
        }
        var (table, _) = ReadIdentifier(target, rest + 1);
        _grants.Add(new Grant(privileges, database, null, table));
    }

    /// <summary>Whether one of <paramref name="privileges"/> (or ALL PRIVILEGES) is granted ON *.*.</summary>
    public bool HasGlobal(params string[] privileges) =>
        _grants.Any(g => g.Database is null && (g.Privileges.Contains("ALL PRIVILEGES") || privileges.Any(g.Privileges.Contains)));

    /// <summary>Whether SELECT on <c>schema.table</c> is granted (globally, on a matching database, or on the table or some of its columns).</summary>
    public bool CanSelect(string schema, string table) => _grants.Any(g =>
        (g.Privileges.Contains("SELECT") || g.Privileges.Contains("ALL PRIVILEGES"))
        && (g.Database is null
            || (g.Table is null && g.DatabasePattern!.IsMatch(schema))
            || (g.Table is not null && string.Equals(g.Database, schema, StringComparison.OrdinalIgnoreCase)
                && string.Equals(g.Table, table, StringComparison.OrdinalIgnoreCase))));

    private static HashSet<string> SplitPrivileges(string text)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var depth = 0;
        var current = new StringBuilder();
        void Flush()
        {
            var name = current.ToString().Trim();
            var paren = name.IndexOf('(', StringComparison.Ordinal);
            if (paren >= 0) name = name[..paren].Trim(); // column-level: SELECT (`a`, `b`)
            name = Regex.Replace(name, @"\s+", " ").ToUpperInvariant();
            if (name == "ALL") name = "ALL PRIVILEGES";
            if (name.Length > 0) result.Add(name);
            current.Clear();
        }
        foreach (var c in text)
        {
            if (c == '(') depth++;
            else if (c == ')') depth--;
            if (c == ',' && depth == 0) Flush();
            else current.Append(c);
        }
        Flush();
        return result;
    }

    /// <summary>Finds a keyword outside backquotes and parentheses (column lists may hold anything quoted).</summary>
    private static int IndexOfKeyword(string line, string keyword)
    {
        var quoted = false;
        var depth = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '`') quoted = !quoted;
            else if (!quoted && c == '(') depth++;
            else if (!quoted && c == ')') depth--;
            else if (!quoted && depth == 0 && string.Compare(line, i, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return i;
            }
        }
        return -1;
    }

    private static (string Name, int Next) ReadIdentifier(string text, int start)
    {
        if (start < text.Length && text[start] == '`')
        {
            var sb = new StringBuilder();
            var i = start + 1;
            while (i < text.Length)
            {
                if (text[i] == '`')
                {
                    if (i + 1 < text.Length && text[i + 1] == '`') { sb.Append('`'); i += 2; continue; }
                    return (sb.ToString(), i + 1);
                }
                sb.Append(text[i++]);
            }
            return (sb.ToString(), i);
        }
        var end = text.IndexOf('.', start);
        if (end < 0) end = text.Length;
        return (text[start..end], end);
    }

    /// <summary>A database-level grant name is a LIKE pattern: <c>%</c> any run, <c>_</c> one character, <c>\</c> escapes.</summary>
    private static Regex DatabasePattern(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length) sb.Append(Regex.Escape(pattern[++i].ToString()));
            else if (c == '%') sb.Append(".*");
            else if (c == '_') sb.Append('.');
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
