namespace Sluice.Replication.Secrets;

/// <summary>
/// The literal secrets a process knows (the passwords of the connection strings it was given), so that
/// <see cref="ScrubbingLoggerProvider"/> can mask them wherever they appear, also outside a <c>Password=</c> pair. Thread
/// safe; secrets are only added.
/// </summary>
public sealed class SecretSet
{
    private volatile string[] _secrets;
    private readonly Lock _gate = new();

    public SecretSet(IEnumerable<string>? secrets = null) => _secrets = (secrets ?? []).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The secrets known now.</summary>
    public IReadOnlyCollection<string> Current => _secrets;

    public void Add(string secret)
    {
        if (string.IsNullOrEmpty(secret)) return;
        lock (_gate)
        {
            if (_secrets.Contains(secret, StringComparer.Ordinal)) return;
            // Longer secrets first, so one that contains another is masked whole.
            _secrets = [.. _secrets.Append(secret).OrderByDescending(s => s.Length)];
        }
    }

    /// <summary>Adds the password of a connection string (none: nothing).</summary>
    public void AddConnectionString(string? connectionString)
    {
        if (Redaction.PasswordOf(connectionString) is { } password) Add(password);
    }

    /// <summary><see cref="Redaction.Scrub"/> with these secrets.</summary>
    public string Scrub(string text) => Redaction.Scrub(text, _secrets);
}
