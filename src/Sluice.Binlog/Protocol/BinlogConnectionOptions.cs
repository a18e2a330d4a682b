using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Sluice.Binlog.Protocol;

/// <summary>TLS modes, as MySqlConnector's SslMode ("None" is accepted for <see cref="Disabled"/>).</summary>
public enum BinlogSslMode
{
    /// <summary>No TLS.</summary>
    Disabled,

    /// <summary>TLS when the server offers it, any certificate accepted.</summary>
    Preferred,

    /// <summary>TLS or fail; any certificate accepted.</summary>
    Required,

    /// <summary>TLS or fail; the certificate must chain to a trusted CA (<see cref="BinlogConnectionOptions.SslCa"/> or the system's).</summary>
    VerifyCA,

    /// <summary>As <see cref="VerifyCA"/>, and the certificate must name the host connected to.</summary>
    VerifyFull,
}

/// <summary>
/// Where and how to connect. <see cref="Parse"/> reads MySqlConnector connection strings (case-insensitive keys and
/// their usual aliases; keys this client has no use for, such as Pooling, are kept in <see cref="IgnoredKeys"/>).
/// <see cref="ToString"/> is the <see cref="Redacted"/> form: the password never appears in it.
/// </summary>
public sealed record BinlogConnectionOptions
{
    public string Host { get; init; } = "localhost";
    public int Port { get; init; } = 3306;
    public string UserName { get; init; } = "";
    public string Password { get; init; } = "";
    public string? Database { get; init; }
    public BinlogSslMode SslMode { get; init; } = BinlogSslMode.Preferred;

    /// <summary>PEM file with the CA certificate(s) the server's certificate must chain to (VerifyCA/VerifyFull).</summary>
    public string? SslCa { get; init; }

    /// <summary>PEM client certificate (with <see cref="SslKey"/>) for TLS client authentication.</summary>
    public string? SslCert { get; init; }

    public string? SslKey { get; init; }

    /// <summary>caching_sha2_password without TLS may ask the server for its RSA public key.</summary>
    public bool AllowPublicKeyRetrieval { get; init; }

    /// <summary>PEM file with the server's RSA public key (caching_sha2_password full auth without TLS).</summary>
    public string? ServerRsaPublicKeyFile { get; init; }

    /// <summary>Time allowed for TCP connect, TLS and authentication.</summary>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Keys (lower-cased) of the parsed string this client does not use (e.g. pooling, default command timeout).</summary>
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];

    private static readonly Dictionary<string, string> Aliases = BuildAliases();

    private static Dictionary<string, string> BuildAliases()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string canonical, params string[] names)
        {
            foreach (var n in names) map[n] = canonical;
        }
        Add("Server", "Server", "Host", "Data Source", "DataSource", "Address", "Addr", "Network Address");
        Add("Port", "Port");
        Add("User ID", "User ID", "UserID", "User", "Uid", "Username", "User name");
        Add("Password", "Password", "Pwd");
        Add("Database", "Database", "Initial Catalog");
        Add("SslMode", "SslMode", "Ssl Mode", "Ssl-Mode");
        Add("SslCa", "SslCa", "Ssl-Ca", "Ssl Ca", "CACertificateFile", "CA Certificate File");
        Add("SslCert", "SslCert", "Ssl-Cert", "Ssl Cert");
        Add("SslKey", "SslKey", "Ssl-Key", "Ssl Key");
        Add("AllowPublicKeyRetrieval", "AllowPublicKeyRetrieval", "Allow Public Key Retrieval");
        Add("ServerRSAPublicKeyFile", "ServerRSAPublicKeyFile", "Server RSA Public Key File");
        Add("Connection Timeout", "Connection Timeout", "ConnectionTimeout", "Connect Timeout", "ConnectTimeout");
        return map;
    }

    /// <summary>Parses a MySqlConnector-style connection string ("Server=...;Port=...;User ID=...;Password=...").</summary>
    /// <exception cref="FormatException">Malformed string or an invalid value (the message never shows the password).</exception>
    public static BinlogConnectionOptions Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // The BCL message may quote the string (and so the password): do not pass it on.
            throw new FormatException("malformed connection string (expected key=value pairs separated by ';')");
        }

        var options = new BinlogConnectionOptions();
        var ignored = new List<string>();
        foreach (string key in builder.Keys)
        {
            var value = Convert.ToString(builder[key], CultureInfo.InvariantCulture) ?? "";
            if (!Aliases.TryGetValue(key.Trim(), out var canonical))
            {
                ignored.Add(key);
                continue;
            }
            options = canonical switch
            {
                "Server" => options with { Host = value },
                "Port" => options with { Port = ParsePort(value) },
                "User ID" => options with { UserName = value },
                "Password" => options with { Password = value },
                "Database" => options with { Database = value.Length == 0 ? null : value },
                "SslMode" => options with { SslMode = ParseSslMode(value) },
                "SslCa" => options with { SslCa = NullIfEmpty(value) },
                "SslCert" => options with { SslCert = NullIfEmpty(value) },
                "SslKey" => options with { SslKey = NullIfEmpty(value) },
                "AllowPublicKeyRetrieval" => options with { AllowPublicKeyRetrieval = ParseBool(key, value) },
                "ServerRSAPublicKeyFile" => options with { ServerRsaPublicKeyFile = NullIfEmpty(value) },
                "Connection Timeout" => options with { ConnectionTimeout = ParseSeconds(key, value) },
                _ => options,
            };
        }
        // Several hosts ("a,b") are not supported: take the first.
        if (options.Host.Contains(',')) options = options with { Host = options.Host.Split(',')[0].Trim() };
        return options with { IgnoredKeys = ignored };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static int ParsePort(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new FormatException($"Port must be a number from 1 to 65535, not '{value}'");

    private static bool ParseBool(string key, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" or "on" => true,
        "false" or "no" or "0" or "off" => false,
        _ => throw new FormatException($"{key} must be true or false, not '{value}'"),
    };

    private static TimeSpan ParseSeconds(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? (seconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds))
            : throw new FormatException($"{key} must be a whole number of seconds, not '{value}'");

    private static BinlogSslMode ParseSslMode(string value) => value.Trim().ToLowerInvariant() switch
    {
        "none" or "disabled" or "disable" => BinlogSslMode.Disabled,
        "preferred" or "prefer" => BinlogSslMode.Preferred,
        "required" or "require" => BinlogSslMode.Required,
        "verifyca" or "verify_ca" or "verify-ca" => BinlogSslMode.VerifyCA,
        "verifyfull" or "verify_identity" or "verify-full" or "verifyidentity" => BinlogSslMode.VerifyFull,
        _ => throw new FormatException($"SslMode must be None, Preferred, Required, VerifyCA or VerifyFull, not '{value}'"),
    };

    /// <summary>The options as a connection string with the password replaced by "***" (safe to log).</summary>
    public string Redacted() => Format(redact: true);

    /// <summary>The full connection string, password included: never log it.</summary>
    public string ToConnectionString() => Format(redact: false);

    public override string ToString() => Redacted();

    private string Format(bool redact)
    {
        var b = new DbConnectionStringBuilder
        {
            ["Server"] = Host,
            ["Port"] = Port.ToString(CultureInfo.InvariantCulture),
            ["User ID"] = UserName,
        };
        if (Password.Length > 0) b["Password"] = redact ? "***" : Password;
        if (Database is not null) b["Database"] = Database;
        b["SslMode"] = SslMode.ToString();
        if (SslCa is not null) b["SslCa"] = SslCa;
        if (SslCert is not null) b["SslCert"] = SslCert;
        if (SslKey is not null) b["SslKey"] = SslKey;
        if (AllowPublicKeyRetrieval) b["AllowPublicKeyRetrieval"] = "True";
        if (ServerRsaPublicKeyFile is not null) b["ServerRSAPublicKeyFile"] = ServerRsaPublicKeyFile;
        b["Connection Timeout"] = ConnectionTimeout == Timeout.InfiniteTimeSpan
            ? "0"
            : ((int)ConnectionTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return b.ConnectionString;
    }

    // Records print every property by default; keep the password out of any generated text.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(Redacted());
        return true;
    }
}
