using System.Buffers;

namespace Sluice.Binlog.Protocol;

/// <summary>
/// One packet payload (reassembled when it spans several 16 MiB packets) in an array rented from
/// <see cref="ArrayPool{T}.Shared"/>. Dispose exactly once to return the array; do not use the bytes afterwards.
/// </summary>
public readonly struct PooledPayload : IDisposable
{
    private readonly byte[]? _array;

    internal PooledPayload(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }
    public ReadOnlySpan<byte> Span => _array is null ? default : _array.AsSpan(0, Length);
    public ReadOnlyMemory<byte> Memory => _array is null ? default : _array.AsMemory(0, Length);

    /// <summary>The first byte (the packet "header" byte of OK/ERR/EOF), or -1 for an empty payload.</summary>
    public int FirstByte => Length > 0 ? _array![0] : -1;

    public void Dispose()
    {
        if (_array is { Length: > 0 }) ArrayPool<byte>.Shared.Return(_array);
    }
}
