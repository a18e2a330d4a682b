using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Protocol.Auth;
using Sluice.Binlog.Protocol.Payloads;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Protocol;

/// <summary>Greeting, handshake response, scrambles and OK/AuthMoreData against vectors/auth-handshake.json.</summary>
public sealed class AuthHandshakeVectorTests
{
    private const string File = "auth-handshake.json";

    public static TheoryData<string> FastAuthIds => ProtocolVectors.Ids(File, "caching_sha2_fast_auth_scramble");
    public static TheoryData<string> RsaIds => ProtocolVectors.Ids(File, "caching_sha2_full_auth_rsa_plaintext");

    [FixtureTheory]
    [MemberData(nameof(FastAuthIds))]
    public void Caching_sha2_fast_auth_scramble_matches(string id)
    {
        var v = ProtocolVectors.Require(File, "caching_sha2_fast_auth_scramble", id);
        var scramble = AuthPlugins.CachingSha2Scramble(v.Str("password_utf8"), v.Hex("nonce_hex"));
        Assert.Equal(v.Str("expected_hex"), Convert.ToHexStringLower(scramble));
    }

    [FixtureTheory]
    [MemberData(nameof(RsaIds))]
    public void Rsa_plaintext_is_password_nul_xor_nonce(string id)
    {
        var v = ProtocolVectors.Require(File, "caching_sha2_full_auth_rsa_plaintext", id);
        var plain = AuthPlugins.RsaPlaintext(v.Str("password_utf8"), v.Hex("nonce_hex"));
        Assert.Equal(v.Str("expected_plaintext_hex"), Convert.ToHexStringLower(plain));

        // The encryption itself is randomized: decrypt with our own key and compare.
        using var rsa = RSA.Create(2048);
        var cipher = AuthPlugins.RsaEncryptPassword(v.Str("password_utf8"), v.Hex("nonce_hex"), rsa.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(plain, rsa.Decrypt(cipher, RSAEncryptionPadding.OaepSHA1));
    }

    [FixtureFact]
    public void Rsa_encryption_works_with_the_recorded_server_public_key()
    {
        var v = ProtocolVectors.Require(File, "server_and_client_packets", "public_key_response_rsa2048");
        var more = AuthMoreData.Parse(v.Hex("hex"));
        var pem = Encoding.ASCII.GetString(more.Data);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem);
        var cipher = AuthPlugins.RsaEncryptPassword("secret", new byte[20], pem);
        Assert.Equal(256, cipher.Length); // RSA-2048
    }

    [FixtureFact]
    public void Greeting_mysql_8_caching_sha2_is_parsed()
    {
        var v = ProtocolVectors.Require(File, "server_and_client_packets", "greeting_mysql_8_0_30_caching_sha2");
        var e = v.GetProperty("expected");
        var g = HandshakeV10.Parse(v.Hex("hex"));
        Assert.Equal(e.GetProperty("protocol_version").GetInt32(), g.ProtocolVersion);
        Assert.Equal(e.Str("server_version"), g.ServerVersion);
        Assert.Equal(e.GetProperty("connection_id").GetUInt32(), g.ConnectionId);
        Assert.Equal(e.Str("nonce_hex"), Convert.ToHexStringLower(g.Scramble));
        Assert.Equal(uint.Parse(e.Str("capability_flags")[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture), (uint)g.Capabilities);
        Assert.Equal(e.GetProperty("character_set").GetInt32(), g.CharacterSet);
        Assert.Equal(e.GetProperty("status_flags").GetInt32(), (int)g.StatusFlags);
        Assert.Equal(e.GetProperty("auth_plugin_data_len").GetInt32(), g.AuthPluginDataLength);
        Assert.Equal(e.Str("auth_plugin_name"), g.AuthPluginName);
        Assert.False(g.IsMariaDb);
    }

    [FixtureFact]
    public void Greeting_mysql_5_7_native_is_parsed()
    {
        var v = ProtocolVectors.Require(File, "server_and_client_packets", "greeting_mysql_5_7_41_native");
        var e = v.GetProperty("expected");
        var g = HandshakeV10.Parse(v.Hex("hex"));
        Assert.Equal(e.Str("server_version"), g.ServerVersion);
        Assert.Equal(e.GetProperty("connection_id").GetUInt32(), g.ConnectionId);
        Assert.Equal(e.Str("nonce_hex"), Convert.ToHexStringLower(g.Scramble));
        Assert.Equal(e.Str("auth_plugin_name"), g.AuthPluginName);
    }

    [FixtureFact]
    public void Handshake_response_for_native_password_is_byte_identical()
    {
        var greeting = HandshakeV10.Parse(ProtocolVectors.Require(File, "server_and_client_packets", "greeting_mysql_5_7_41_native").Hex("hex"));
        var v = ProtocolVectors.Require(File, "server_and_client_packets", "handshake_response41_native_password");
        var e = v.GetProperty("expected");

        // The vector's note: the password is "1a2b3c4d" and the response is coherent with the 5.7.41 greeting.
        var scramble = AuthPlugins.NativePasswordScramble("1a2b3c4d", greeting.Scramble);
        Assert.Equal(e.Str("auth_response_hex"), Convert.ToHexStringLower(scramble));

        var attrs = e.GetProperty("connect_attrs").EnumerateObject()
            .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList();
        var response = new HandshakeResponse41(
            (CapabilityFlags)uint.Parse(e.Str("client_flags")[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            e.GetProperty("max_packet_size").GetUInt32(),
            (byte)e.GetProperty("character_set").GetInt32(),
            e.Str("user"),
            scramble,
            e.Str("database"),
            e.Str("auth_plugin_name"),
            attrs);
        Assert.Equal(v.Str("hex"), Convert.ToHexStringLower(response.ToPayload()));
    }

    [FixtureFact]
    public void Ssl_request_is_the_first_32_bytes_of_the_response()
    {
        var v = ProtocolVectors.Require(File, "server_and_client_packets", "handshake_response41_native_password");
        var bytes = v.Hex("hex");
        var flags = (CapabilityFlags)BitConverter.ToUInt32(bytes, 0);
        var ssl = new SslRequest(flags, BitConverter.ToUInt32(bytes, 4), bytes[8]).ToPayload();
        Assert.Equal(bytes[..32], ssl);
    }

    [FixtureFact]
    public void Auth_more_data_full_authentication_is_recognised()
    {
        var v = ProtocolVectors.Require(File, "server_and_client_packets", "auth_more_data_perform_full_auth");
        var more = AuthMoreData.Parse(v.Hex("hex"));
        Assert.True(more.IsPerformFullAuthentication);
        Assert.False(more.IsFastAuthSuccess);
        Assert.Equal(v.GetProperty("expected").GetProperty("status").GetInt32(), more.Data[0]);
    }

    [FixtureFact]
    public void Ok_with_session_state_is_parsed()
    {
        var v = ProtocolVectors.Require(File, "server_and_client_packets", "ok_after_auth_with_session_state");
        var caps = CapabilityFlags.Protocol41 | CapabilityFlags.SessionTrack;
        var ok = OkPayload.Parse(v.Hex("hex"), caps);
        Assert.Equal(0UL, ok.AffectedRows);
        Assert.Equal(0UL, ok.LastInsertId);
        Assert.Equal(ServerStatusFlags.AutoCommit | ServerStatusFlags.SessionStateChanged, ok.StatusFlags);
        Assert.Equal(0, ok.Warnings);
        Assert.Equal("", ok.Info);
        var change = Assert.Single(ok.SessionStateChanges);
        Assert.Equal(SessionStateChange.Schema, change.Type);
        Assert.Equal("sys", change.SchemaName);
    }

    [Fact]
    public void Native_password_of_empty_password_is_empty() =>
        Assert.Empty(AuthPlugins.NativePasswordScramble("", new byte[20]));

    [Fact]
    public void Truncated_greeting_throws_format_exception()
    {
        var ex = Assert.Throws<BinlogFormatException>(() => HandshakeV10.Parse([10, (byte)'8', 0, 1, 0]));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Greeting_with_err_is_a_typed_server_error()
    {
        var err = new PayloadWriter().WriteByte(0xFF).WriteUInt16(1040).WriteString("Too many connections").ToArray();
        var ex = Assert.Throws<BinlogServerException>(() => HandshakeV10.Parse(err));
        Assert.Equal(1040, ex.ErrorCode);
        Assert.Contains("Too many connections", ex.Message);
    }

    [Fact]
    public void Auth_switch_request_strips_the_nonce_terminator()
    {
        var payload = new PayloadWriter().WriteByte(0xFE).WriteNullTerminatedString("mysql_native_password")
            .WriteBytes(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray()).WriteByte(0).ToArray();
        var req = AuthSwitchRequest.Parse(payload);
        Assert.Equal("mysql_native_password", req.PluginName);
        Assert.Equal(20, req.PluginData.Length);
    }
}
