using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Sluice.Actors.Contracts;
using Sluice.Cluster.Node;

namespace Sluice.Cluster.Admin;

/// <summary>A cluster member as the admin API shows it.</summary>
public sealed record MemberInfo(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, bool IsLeader, bool IsSelf);

/// <summary>The shards and connector entities one node hosts.</summary>
public sealed record RegionInfo(string Node, IReadOnlyList<ShardInfo> Shards, string? Error);

public sealed record ShardInfo(string ShardId, IReadOnlyList<string> Connectors);

/// <summary>Asks the actor system what the admin API shows: connectors (through the shard region), members, placement.</summary>
public sealed class ClusterQueries(ActorSystem system, IRequiredActor<ConnectorRegion> region)
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public ActorSystem System { get; } = system;

    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

    public async Task<TReply> AskConnectorAsync<TReply>(IConnectorMessage message, CancellationToken ct)
    {
        var shardRegion = await region.GetAsync(ct);
        return await shardRegion.Ask<TReply>(message, AskTimeout, ct);
    }

    public IReadOnlyList<MemberInfo> Members()
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        return state.Members
            .Select(m => new MemberInfo(m.Address.ToString(), m.Status.ToString().ToLowerInvariant(), m.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).ToList(),
                !unreachable.Contains(m.Address), m.Address.Equals(state.Leader), m.Address.Equals(Cluster.SelfAddress)))
            .OrderBy(m => m.Address, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The shard placement: every reachable member's region state.</summary>
    public async Task<IReadOnlyList<RegionInfo>> RegionsAsync(CancellationToken ct)
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var tasks = state.Members
            .Where(m => m.Status == Akka.Cluster.MemberStatus.Up || m.Status == Akka.Cluster.MemberStatus.Leaving)
            .Select(async m =>
            {
                if (unreachable.Contains(m.Address)) return new RegionInfo(m.Address.ToString(), [], "unreachable");
                try
                {
                    var selection = System.ActorSelection(new RootActorPath(m.Address) / "system" / "sharding" / ClusterNode.RegionName);
                    var current = await selection.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, ct);
                    var shards = current.Shards
                        .Select(s => new ShardInfo(s.ShardId, s.EntityIds.Order(StringComparer.Ordinal).ToList()))
                        .OrderBy(s => s.ShardId, StringComparer.Ordinal)
                        .ToList();
                    return new RegionInfo(m.Address.ToString(), shards, null);
                }
                catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
                {
                    return new RegionInfo(m.Address.ToString(), [], "no answer: " + ex.Message);
                }
            });
        return (await Task.WhenAll(tasks)).OrderBy(r => r.Node, StringComparer.Ordinal).ToList();
    }

    public async Task<ClusterShardingStats> StatsAsync(CancellationToken ct)
    {
        var shardRegion = await region.GetAsync(ct);
        return await shardRegion.Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + TimeSpan.FromSeconds(2), ct);
    }

    /// <summary>Every connector (the entities the regions host), with its info.</summary>
    public async Task<IReadOnlyList<ConnectorInfo>> ConnectorsAsync(CancellationToken ct)
    {
        var regions = await RegionsAsync(ct);
        var ids = regions.SelectMany(r => r.Shards).SelectMany(s => s.Connectors).Distinct().Order(StringComparer.Ordinal).ToList();
        var infos = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await AskConnectorAsync<ConnectorInfo>(new GetConnectorInfo(id), ct);
            }
            catch (AskTimeoutException)
            {
                return new ConnectorInfo(id, "unknown", "", null, null, "no answer in time (its shard may be moving)", null, null);
            }
        }));
        return infos.Where(i => i.State != "not_found").ToList();
    }
}
