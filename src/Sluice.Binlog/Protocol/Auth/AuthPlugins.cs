using System.Security.Cryptography;
using System.Text;

namespace Sluice.Binlog.Protocol.Auth;

/// <summary>The auth plugins this client speaks, and their scramble computations.</summary>
public static class AuthPlugins
{
    public const string NativePassword = "mysql_native_password";
    public const string CachingSha2Password = "caching_sha2_password";
    public const string ClearPassword = "mysql_clear_password";

    public static bool IsSupported(string plugin) => plugin is NativePassword or CachingSha2Password or ClearPassword;

    /// <summary>mysql_native_password: SHA1(pw) XOR SHA1(nonce || SHA1(SHA1(pw))); empty password gives an empty response.</summary>
    public static byte[] NativePasswordScramble(string password, ReadOnlySpan<byte> nonce)
    {
        if (password.Length == 0) return [];
        var nonce20 = nonce.Length > 20 ? nonce[..20] : nonce;
        Span<byte> stage1 = stackalloc byte[20];
        SHA1.HashData(Encoding.UTF8.GetBytes(password), stage1);
        Span<byte> stage2 = stackalloc byte[20];
        SHA1.HashData(stage1, stage2);
        var input = new byte[nonce20.Length + 20];
        nonce20.CopyTo(input);
        stage2.CopyTo(input.AsSpan(nonce20.Length));
        var result = SHA1.HashData(input);
        for (var i = 0; i < result.Length; i++) result[i] ^= stage1[i];
        return result;
    }

    /// <summary>caching_sha2_password fast auth: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || nonce); empty password → empty.</summary>
    public static byte[] CachingSha2Scramble(string password, ReadOnlySpan<byte> nonce)
    {
        if (password.Length == 0) return [];
        var nonce20 = nonce.Length > 20 ? nonce[..20] : nonce;
        Span<byte> p1 = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(password), p1);
        Span<byte> p2 = stackalloc byte[32];
        SHA256.HashData(p1, p2);
        var input = new byte[32 + nonce20.Length];
        p2.CopyTo(input);
        nonce20.CopyTo(input.AsSpan(32));
        var result = SHA256.HashData(input);
        for (var i = 0; i < result.Length; i++) result[i] ^= p1[i];
        return result;
    }

    /// <summary>The cleartext password with its NUL terminator (sent only over TLS).</summary>
    public static byte[] ClearPasswordBytes(string password)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(password) + 1];
        Encoding.UTF8.GetBytes(password, bytes);
        return bytes;
    }

    /// <summary>The bytes RSA-encrypted for caching_sha2 full auth without TLS: (pw + NUL) XOR nonce (repeated).</summary>
    public static byte[] RsaPlaintext(string password, ReadOnlySpan<byte> nonce)
    {
        if (nonce.IsEmpty) throw new ArgumentException("empty auth nonce", nameof(nonce));
        var plain = ClearPasswordBytes(password);
        for (var i = 0; i < plain.Length; i++) plain[i] ^= nonce[i % nonce.Length];
        return plain;
    }

    /// <summary>RSA-OAEP (SHA-1) of <see cref="RsaPlaintext"/> with the server's PEM public key.</summary>
    public static byte[] RsaEncryptPassword(string password, ReadOnlySpan<byte> nonce, string publicKeyPem)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(publicKeyPem);
        }
        catch (ArgumentException ex)
        {
            throw new BinlogSecurityException("the server's RSA public key is not a valid PEM key", "check ServerRSAPublicKeyFile", ex);
        }
        return rsa.Encrypt(RsaPlaintext(password, nonce), RSAEncryptionPadding.OaepSHA1);
    }
}
