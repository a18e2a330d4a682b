using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Tests.Protocol;

public sealed class BinlogConnectionOptionsTests
{
    [Fact]
    public void Parses_a_mysqlconnector_string()
    {
        var o = BinlogConnectionOptions.Parse(
            "Server=db.example;Port=3307;User ID=repl;Password=s3cret;Database=shop;SslMode=VerifyFull;SslCa=/etc/ca.pem;" +
            "AllowPublicKeyRetrieval=true;Connection Timeout=5;Pooling=true");
        Assert.Equal("db.example", o.Host);
        Assert.Equal(3307, o.Port);
        Assert.Equal("repl", o.UserName);
        Assert.Equal("s3cret", o.Password);
        Assert.Equal("shop", o.Database);
        Assert.Equal(BinlogSslMode.VerifyFull, o.SslMode);
        Assert.Equal("/etc/ca.pem", o.SslCa);
        Assert.True(o.AllowPublicKeyRetrieval);
        Assert.Equal(TimeSpan.FromSeconds(5), o.ConnectionTimeout);
        Assert.Equal(["pooling"], o.IgnoredKeys.Select(k => k.ToLowerInvariant()));
    }

    [Theory]
    [InlineData("host=h;uid=u;pwd=p", "h", "u", "p")]
    [InlineData("HOST=h;USERNAME=u;PASSWORD=p", "h", "u", "p")]
    [InlineData("Data Source=h;UserID=u;Pwd=p", "h", "u", "p")]
    [InlineData("server = h ; user = u ; password = 'a;b=c'", "h", "u", "a;b=c")]
    [InlineData("Server=h;User Id=u;Password=\"p\"\"q\"", "h", "u", "p\"q")]
    public void Accepts_aliases_case_insensitive_keys_and_quoting(string cs, string host, string user, string password)
    {
        var o = BinlogConnectionOptions.Parse(cs);
        Assert.Equal(host, o.Host);
        Assert.Equal(user, o.UserName);
        Assert.Equal(password, o.Password);
        Assert.Equal(3306, o.Port);
        Assert.Equal(BinlogSslMode.Preferred, o.SslMode);
    }

    [Theory]
    [InlineData("None", BinlogSslMode.Disabled)]
    [InlineData("disabled", BinlogSslMode.Disabled)]
    [InlineData("Preferred", BinlogSslMode.Preferred)]
    [InlineData("REQUIRED", BinlogSslMode.Required)]
    [InlineData("VerifyCA", BinlogSslMode.VerifyCA)]
    [InlineData("verify_identity", BinlogSslMode.VerifyFull)]
    public void Parses_ssl_modes(string value, BinlogSslMode expected) =>
        Assert.Equal(expected, BinlogConnectionOptions.Parse("Server=h;SSL Mode=" + value).SslMode);

    [Theory]
    [InlineData("Server=h;Port=abc")]
    [InlineData("Server=h;Port=70000")]
    [InlineData("Server=h;SslMode=sometimes")]
    [InlineData("Server=h;AllowPublicKeyRetrieval=maybe")]
    [InlineData("Server=h;Password='unterminated")]
    public void Rejects_invalid_values_without_echoing_the_password(string cs)
    {
        var ex = Assert.Throws<FormatException>(() => BinlogConnectionOptions.Parse(cs));
        Assert.DoesNotContain("unterminated", ex.Message);
    }

    [Fact]
    public void Redacted_and_ToString_never_contain_the_password()
    {
        var o = BinlogConnectionOptions.Parse("Server=h;User=u;Password=TopSecret-42;SslMode=Required");
        Assert.DoesNotContain("TopSecret-42", o.Redacted());
        Assert.DoesNotContain("TopSecret-42", o.ToString());
        Assert.DoesNotContain("TopSecret-42", $"{o}");
        Assert.Contains("Password=***", o.Redacted());
        Assert.Contains("User ID=u", o.Redacted());
        Assert.Contains("TopSecret-42", o.ToConnectionString());
    }

    [Fact]
    public void ToConnectionString_round_trips()
    {
        var o = BinlogConnectionOptions.Parse("Server=h;Port=1234;User=u;Password='p;w';Database=d;SslMode=VerifyCA;SslCa=/ca.pem;Connection Timeout=7");
        var again = BinlogConnectionOptions.Parse(o.ToConnectionString());
        Assert.Equal(o with { IgnoredKeys = [] }, again with { IgnoredKeys = [] });
    }

    [Fact]
    public void Parses_the_test_fixture_connection_string()
    {
        var b = new MySqlConnector.MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1", Port = 3310, UserID = "repl", Password = "pw", SslMode = MySqlConnector.MySqlSslMode.None,
            AllowPublicKeyRetrieval = true, Pooling = true, DefaultCommandTimeout = 120,
        };
        var o = BinlogConnectionOptions.Parse(b.ConnectionString);
        Assert.Equal(("127.0.0.1", 3310, "repl", "pw", BinlogSslMode.Disabled, true),
            (o.Host, o.Port, o.UserName, o.Password, o.SslMode, o.AllowPublicKeyRetrieval));
    }
}
