using System.Text;

namespace Sluice.Replication.Schema;

internal enum SqlTokenKind
{
    /// <summary>An unquoted word: keyword, identifier or number.</summary>
    Word,

    /// <summary>A quoted identifier (backquotes, or double quotes with ANSI_QUOTES); <see cref="SqlToken.Text"/> is unescaped.</summary>
    QuotedIdentifier,

    /// <summary>A string literal; <see cref="SqlToken.Text"/> is the raw text with its quotes.</summary>
    String,

    /// <summary>One punctuation character.</summary>
    Symbol,
}

internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Offset)
{
    public bool IsIdentifier => Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;

    public bool IsWord(string keyword) => Kind == SqlTokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(char c) => Kind == SqlTokenKind.Symbol && Text.Length == 1 && Text[0] == c;
}

/// <summary>
/// Splits MySQL/MariaDB SQL into tokens, dropping comments (<c>/* */</c>, <c>-- </c>, <c>#</c>). Executable comments
/// (<c>/*! ... */</c>, <c>/*!50100 ... */</c>, MariaDB <c>/*M! ... */</c>) keep their content, as the server does.
/// Unterminated quotes or comments throw <see cref="FormatException"/>.
/// </summary>
internal static class SqlTokenizer
{
    public static List<SqlToken> Tokenize(string sql, bool ansiQuotes, bool noBackslashEscapes)
    {
        var tokens = new List<SqlToken>();
        var inExecutableComment = false;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '/' && At(sql, i + 1) == '*')
            {
                var markerEnd = ExecutableCommentContent(sql, i);
                if (markerEnd >= 0)
                {
                    if (inExecutableComment) throw new FormatException($"nested executable comment at offset {i}");
                    inExecutableComment = true;
                    i = markerEnd;
                    continue;
                }
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new FormatException($"unterminated comment at offset {i}");
                i = end + 2;
                continue;
            }
            if (c == '*' && At(sql, i + 1) == '/' && inExecutableComment)
            {
                inExecutableComment = false;
                i += 2;
                continue;
            }
            if (c == '#' || (c == '-' && At(sql, i + 1) == '-' && (i + 2 >= sql.Length || char.IsWhiteSpace(sql[i + 2]) || char.IsControl(sql[i + 2]))))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
                continue;
            }
            if (c == '`' || (c == '"' && ansiQuotes))
            {
                var start = i;
                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, ReadQuotedIdentifier(sql, ref i, c), start));
                continue;
            }
            if (c is '\'' or '"')
            {
                var start = i;
                SkipString(sql, ref i, c, noBackslashEscapes);
                tokens.Add(new SqlToken(SqlTokenKind.String, sql[start..i], start));
                continue;
            }
            if (IsWordChar(c))
            {
                var start = i;
                while (i < sql.Length && IsWordChar(sql[i])) i++;
                tokens.Add(new SqlToken(SqlTokenKind.Word, sql[start..i], start));
                continue;
            }
            tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString(), i));
            i++;
        }
        return tokens;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    /// <summary>Identifier characters of unquoted names: letters, digits, '_', '$' and anything beyond ASCII.</summary>
    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || c > '\u007F' && !char.IsWhiteSpace(c);

    /// <summary>For <c>/*!</c>, <c>/*!NNNNN</c>, <c>/*M!</c>, <c>/*M!NNNNNN</c> at <paramref name="i"/>: the offset of the content; else -1.</summary>
    private static int ExecutableCommentContent(string sql, int i)
    {
        var j = i + 2;
        if (At(sql, j) == 'M' && At(sql, j + 1) == '!') j += 2;
        else if (At(sql, j) == '!') j++;
        else return -1;
        while (j < sql.Length && char.IsAsciiDigit(sql[j])) j++;
        return j;
    }

    private static string ReadQuotedIdentifier(string sql, ref int i, char quote)
    {
        var start = i;
        var sb = new StringBuilder();
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (At(sql, i + 1) == quote)
                {
                    sb.Append(quote);
                    i += 2;
                    continue;
                }
                i++;
                return sb.ToString();
            }
            sb.Append(sql[i++]);
        }
        throw new FormatException($"unterminated quoted identifier at offset {start}");
    }

    private static void SkipString(string sql, ref int i, char quote, bool noBackslashEscapes)
    {
        var start = i;
        i++;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\\' && !noBackslashEscapes)
            {
                i += 2;
                continue;
            }
            if (c == quote)
            {
                if (At(sql, i + 1) == quote)
                {
                    i += 2;
                    continue;
                }
                i++;
                return;
            }
            i++;
        }
        throw new FormatException($"unterminated string at offset {start}");
    }
}
