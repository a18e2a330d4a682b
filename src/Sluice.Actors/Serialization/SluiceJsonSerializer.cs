using System.Collections.Concurrent;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Sluice.Actors.Contracts;

namespace Sluice.Actors.Serialization;

/// <summary>
/// System.Text.Json serializer for every <see cref="ISluiceMessage"/> (persisted connector events and snapshots,
/// commands that cross nodes). The manifest is the type's short name; the types live in this assembly. Bound in HOCON by
/// <see cref="SluiceSerialization.Hocon"/>.
/// </summary>
public sealed class SluiceJsonSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 4171;

    internal static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly ConcurrentDictionary<string, Type> Types = new(
        typeof(ISluiceMessage).Assembly.GetTypes()
            .Where(t => typeof(ISluiceMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToDictionary(t => t.Name, t => t));

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o.GetType().Name;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"unknown Sluice message type '{manifest}'");
        }
        return JsonSerializer.Deserialize(bytes, type, Options)
            ?? throw new SerializationException($"a null {manifest} was stored");
    }
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
