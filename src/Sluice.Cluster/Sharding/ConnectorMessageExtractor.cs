using Akka.Cluster.Sharding;
using Sluice.Actors.Contracts;

namespace Sluice.Cluster.Sharding;

/// <summary>
/// Routes every <see cref="IConnectorMessage"/> to the entity of its connector id; the shard is a stable hash of the id
/// (MurmurHash of the string, the same on every node) modulo the number of shards. (Sharding itself handles <c>StartEntity</c> for remember-entities.)
/// </summary>
public sealed class ConnectorMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IConnectorMessage m => m.ConnectorId,
        _ => null,
    };

    public override object EntityMessage(object message) => message;
}
