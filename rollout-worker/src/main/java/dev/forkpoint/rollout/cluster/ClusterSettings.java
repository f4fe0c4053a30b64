package dev.forkpoint.rollout.cluster;

import java.time.Duration;
import java.util.List;

/**
 * How a trainer reaches its rollout workers ({@code rollout.cluster} of a run config).
 *
 * @param name          the cluster's name: members of other clusters on the same network are not joined
 * @param members       {@code host:port} of members to join through (TCP/IP discovery; any live member will do)
 * @param bindInterface the address or pattern (e.g. {@code 10.0.0.*}) of the interface this member binds to
 * @param port          first port this member tries (the next ones when taken)
 * @param minWorkers    rollout waits while fewer compatible workers are members
 * @param shardPrompts  prompt groups per shard: the unit of work a worker samples and a retry repeats; 0: a whole
 *                      generation batch is one shard
 * @param timeout       longest wait for {@code minWorkers}, and for one shard, before the run fails or the shard
 *                      is given to another worker
 * @param weightsPath   null: weights travel through the cluster; else a directory every member can read, where each
 *                      version is written as a checkpoint and only its path and hash travel
 */
public record ClusterSettings(String name, List<String> members, String bindInterface, int port, int minWorkers,
                              int shardPrompts, Duration timeout, String weightsPath) {

    public ClusterSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("rollout.cluster.name: required, so that no other cluster is joined");
        }
        members = List.copyOf(members);
        if (minWorkers < 1 || shardPrompts < 0) {
            throw new IllegalArgumentException("rollout.cluster.minWorkers = " + minWorkers
                    + " and rollout.cluster.shardPrompts = " + shardPrompts + ": must be >= 1 and >= 0");
        }
    }

    /** A comma-separated {@code host:port} list as a list, blanks dropped. */
    public static List<String> parseMembers(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
    }
}
