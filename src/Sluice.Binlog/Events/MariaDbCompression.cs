using System.Buffers;
using System.IO.Compression;

namespace Sluice.Binlog.Events;

/// <summary>
/// MariaDB's compressed event payloads (QUERY_COMPRESSED and the *_ROWS_COMPRESSED events): one header byte
/// (bit 7 set, bits 4-6 the algorithm, 0 = zlib, bits 0-2 the number of length bytes), the uncompressed length
/// big-endian in that many bytes, then a zlib stream.
/// </summary>
internal static class MariaDbCompression
{
    /// <summary>Decompresses into a pooled buffer; the caller returns it to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static byte[] Decompress(ReadOnlySpan<byte> data, in EventContext ctx, out int length)
    {
        if (data.IsEmpty) throw ctx.Error("empty compressed payload");
        var header = data[0];
        if ((header & 0x80) == 0) throw ctx.Error($"compressed payload header 0x{header:x2} lacks the 0x80 marker");
        var algorithm = (header >> 4) & 0x07;
        if (algorithm != 0) throw ctx.Error($"unsupported compression algorithm {algorithm} (only zlib, 0, is known)");
        var lengthBytes = header & 0x07;
        if (lengthBytes is < 1 or > 4 || data.Length < 1 + lengthBytes)
            throw ctx.Error($"invalid compressed payload header 0x{header:x2}");
        long expected = 0;
        for (var i = 1; i <= lengthBytes; i++) expected = (expected << 8) | data[i];
        if (expected > Array.MaxLength) throw ctx.Error($"uncompressed length {expected} too large");
        length = (int)expected;

        var compressed = data[(1 + lengthBytes)..];
        var input = ArrayPool<byte>.Shared.Rent(Math.Max(1, compressed.Length));
        var output = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            compressed.CopyTo(input);
            using var stream = new ZLibStream(new MemoryStream(input, 0, compressed.Length, writable: false), CompressionMode.Decompress);
            var total = 0;
            while (total < length)
            {
                var n = stream.Read(output, total, length - total);
                if (n == 0) break;
                total += n;
            }
            if (total != length || stream.ReadByte() != -1)
                throw ctx.Error($"zlib payload does not decompress to the announced {length} bytes");
            return output;
        }
        catch (InvalidDataException e)
        {
            ArrayPool<byte>.Shared.Return(output);
            throw ctx.Error("corrupt zlib payload", e);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(output);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }
}
