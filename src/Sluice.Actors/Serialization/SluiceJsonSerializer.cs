using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Sluice.Actors.Contracts;

namespace Sluice.Actors.Serialization;

/// <summary>
/// System.Text.Json serializer for every <see cref="ISluiceMessage"/> (persisted connector events and snapshots,
/// commands that cross nodes). The manifest is the short, fixed string <see cref="SluiceManifests"/> gives each type, so
/// renaming or moving a record does not orphan the journals that hold it; manifests written by earlier versions (the
/// type's name) are still read. Bound in HOCON by <see cref="SluiceSerialization.Hocon"/>.
/// </summary>
public sealed class SluiceJsonSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 4171;

    internal static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => SluiceManifests.Of(o.GetType());

    public override byte[] ToBinary(object obj) => Serialize(obj);

    public override object FromBinary(byte[] bytes, string manifest) => Deserialize(bytes, manifest);

    /// <summary>The JSON of <paramref name="obj"/> (a type <see cref="SluiceManifests"/> knows).</summary>
    public static byte[] Serialize(object obj)
    {
        SluiceManifests.Of(obj.GetType());
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);
    }

    /// <summary>Reads a message stored under <paramref name="manifest"/> (a current or an earlier manifest).</summary>
    public static object Deserialize(byte[] bytes, string manifest)
    {
        var type = SluiceManifests.TypeOf(manifest);
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Options)
                ?? throw new SerializationException($"a null '{manifest}' ({type.Name}) was stored");
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"a stored '{manifest}' ({type.Name}) cannot be read: {ex.Message}", ex);
        }
    }
}

/// <summary>
/// The fixed manifest of every <see cref="ISluiceMessage"/> type. A manifest is written into journals and snapshots and
/// sent between nodes, so it never changes once released: rename the type freely, keep its manifest. A new message type
/// needs a new, unused manifest here (a test fails until it has one, and, when persisted, a golden JSON file).
/// </summary>
public static class SluiceManifests
{
    private static readonly Dictionary<Type, string> ByType = new()
    {
        // Connector events (journal connector-<run id>) and the connector's snapshot.
        [typeof(ConnectorInitialized)] = "ce.init",
        [typeof(ConfigurationChanged)] = "ce.config",
        [typeof(StreamStartRecorded)] = "ce.start",
        [typeof(TableAdded)] = "ce.t.add",
        [typeof(TableSnapshotStarted)] = "ce.t.snap",
        [typeof(ChunkCommitted)] = "ce.t.chunk",
        [typeof(TableSnapshotCompleted)] = "ce.t.done",
        [typeof(TableResyncRequested)] = "ce.t.resync",
        [typeof(TableRemoved)] = "ce.t.rm",
        [typeof(CheckpointAdvanced)] = "ce.ckpt",
        [typeof(PositionLost)] = "ce.lost",
        [typeof(Connector.ConnectorState)] = "cs",

        // Connector entity events (journal connector-entity-<id>) and the entity's snapshot.
        [typeof(ConnectorDefined)] = "ee.def",
        [typeof(ConnectorPaused)] = "ee.pause",
        [typeof(ConnectorResumed)] = "ee.resume",
        [typeof(ConnectorDeleted)] = "ee.del",
        [typeof(ConnectorEntityState)] = "es",

        // Commands and replies that cross nodes.
        [typeof(GetConnectorStatus)] = "m.status",
        [typeof(StopConnector)] = "m.stop",
        [typeof(DefineConnector)] = "m.def",
        [typeof(PauseConnector)] = "m.pause",
        [typeof(ResumeConnector)] = "m.resume",
        [typeof(ResyncConnector)] = "m.resync",
        [typeof(DeleteConnector)] = "m.del",
        [typeof(GetConnectorInfo)] = "m.info",
        [typeof(ConnectorCommandResult)] = "m.result",
        [typeof(ConnectorInfo)] = "m.infoReply",
    };

    private static readonly Dictionary<string, Type> ByManifest = ByType.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    // Earlier versions wrote the type's short name as the manifest; journals holding them are still read.
    private static readonly Dictionary<string, Type> ByLegacyName = ByType.Keys.ToDictionary(t => t.Name, t => t, StringComparer.Ordinal);

    /// <summary>Every registered type and its manifest.</summary>
    public static IReadOnlyDictionary<Type, string> All => ByType;

    /// <summary>The manifest of <paramref name="type"/>; a type without one is a programming error, named in the exception.</summary>
    public static string Of(Type type) =>
        ByType.TryGetValue(type, out var manifest)
            ? manifest
            : throw new SerializationException(
                $"{type.FullName} has no serialization manifest: add one to {nameof(SluiceManifests)} (and a golden JSON file when it is persisted)");

    /// <summary>The type stored under <paramref name="manifest"/> (a current manifest or an earlier type-name manifest).</summary>
    public static Type TypeOf(string manifest) =>
        ByManifest.TryGetValue(manifest, out var type) || ByLegacyName.TryGetValue(manifest, out type)
            ? type
            : throw new SerializationException(
                $"unknown Sluice message manifest '{manifest}': the journal or message was written by another Sluice version; run the version that wrote it, or start the connector with fresh state");
}

/// <summary>The HOCON that binds <see cref="ISluiceMessage"/> to <see cref="SluiceJsonSerializer"/>.</summary>
public static class SluiceSerialization
{
    public const string Hocon = """
        akka.actor {
          serializers {
            sluice-json = "Sluice.Actors.Serialization.SluiceJsonSerializer, Sluice.Actors"
          }
          serialization-bindings {
            "Sluice.Actors.Contracts.ISluiceMessage, Sluice.Actors" = sluice-json
          }
          serialization-identifiers {
            "Sluice.Actors.Serialization.SluiceJsonSerializer, Sluice.Actors" = 4171
          }
        }
        """;
}
