namespace Sluice.Replication.Snapshot;

/// <summary>
/// One primary-key chunk of a table snapshot.
/// </summary>
/// <param name="Rows">The chunk's rows in canonical values (<see cref="Values.CanonicalValues"/>), aligned with the
/// destination table's columns, in primary-key order.</param>
/// <param name="LastKey">The raw source key of the last row (see <see cref="ChunkReader"/> for the value kinds): pass it to
/// the next <see cref="ChunkReader.ReadChunkAsync"/>, or persist it with <see cref="ChunkKeyCodec"/>. When the chunk is
/// empty this is the key the chunk was read after (null for an empty table).</param>
/// <param name="IsLast">True when the chunk held fewer rows than asked for: no rows follow <see cref="LastKey"/>.</param>
public sealed record SnapshotChunk(IReadOnlyList<object?[]> Rows, object?[]? LastKey, bool IsLast);
