package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.rollout.cluster.ClusterSettings;
import java.time.Duration;

/** The cluster of {@code rollout.backend = cluster} ({@code rollout.cluster}; docs/cluster.md). */
public record ClusterSpec(String name, String members, String bindInterface, int port, int minWorkers,
                          Integer shardPrompts, int timeout, String weightsPath) {

    static final Field<ClusterSpec, String> NAME = Field.string("name", ClusterSpec::name)
            .nullable("required with rollout.backend = cluster").pattern("[A-Za-z0-9._-]{1,64}",
                    "1-64 letters, digits, '.', '_' or '-'")
            .help("The cluster's name, as the workers' --cluster-name: members of other clusters are not joined.");
    static final Field<ClusterSpec, String> MEMBERS = Field.string("members", ClusterSpec::members)
            .defaultValue("127.0.0.1:5701").pattern("[A-Za-z0-9.:_*-]+(,[A-Za-z0-9.:_*-]+)*",
                    "comma-separated HOST:PORT")
            .help("Comma-separated HOST:PORT of members to join through (the workers' --members); any live one will "
                    + "do.");
    static final Field<ClusterSpec, String> INTERFACE = Field.string("interface", ClusterSpec::bindInterface)
            .defaultValue("127.0.0.1").pattern("[0-9*.-]{1,64}", "an IPv4 address or pattern such as 10.0.0.*")
            .help("Address or pattern (10.0.0.*) of the network interface the trainer's member binds to. The "
                    + "cluster has no TLS or authentication: keep it on a private network.");
    static final Field<ClusterSpec, Integer> PORT = Field.integer("port", ClusterSpec::port)
            .defaultValue(5701).between(1, 65535)
            .help("First port the trainer's member listens on (the next free one is taken).");
    static final Field<ClusterSpec, Integer> MIN_WORKERS = Field.integer("minWorkers", ClusterSpec::minWorkers)
            .defaultValue(1).between(1, 100_000)
            .help("A rollout waits (logged, and shown in the run's status) while fewer workers are members.");
    static final Field<ClusterSpec, Integer> SHARD_PROMPTS = Field.integer("shardPrompts", ClusterSpec::shardPrompts)
            .nullable("a whole generation batch is one shard (one worker samples it)").between(1, 4096)
            .help("Prompt groups per shard: the unit a worker samples and a retry repeats; set it to spread a batch "
                    + "over workers (e.g. promptsPerStep / (2 x workers)). The local backend also samples in shards "
                    + "of this size when it is set: a generation's shape decides the last bits of its log-"
                    + "probabilities, so the same shardPrompts gives the same rollouts on either backend.");
    static final Field<ClusterSpec, Integer> TIMEOUT = Field.integer("timeout", ClusterSpec::timeout)
            .defaultValue(600).between(1, 86_400)
            .help("Seconds: the run fails when fewer than minWorkers workers were members for this long, and a "
                    + "shard out this long on one worker is also sent to another (the first result wins).");
    static final Field<ClusterSpec, String> WEIGHTS_PATH = Field.string("weightsPath", ClusterSpec::weightsPath)
            .nullable("weights travel through the cluster")
            .help("A directory every member can read (a shared file system): each weight version is written there "
                    + "as a checkpoint and only its path and SHA-256 travel, for models too large for the cluster.");

    public static final Section<ClusterSpec> SCHEMA = Section.<ClusterSpec>always("cluster")
            .fields(NAME, MEMBERS, INTERFACE, PORT, MIN_WORKERS, SHARD_PROMPTS, TIMEOUT, WEIGHTS_PATH)
            .factory(v -> new ClusterSpec(v.get(NAME), v.get(MEMBERS), v.get(INTERFACE), v.get(PORT),
                    v.get(MIN_WORKERS), v.get(SHARD_PROMPTS), v.get(TIMEOUT), v.get(WEIGHTS_PATH)))
            .help("The rollout workers' cluster (Hazelcast, TCP/IP member list); used with rollout.backend = cluster.");

    /** The settings the cluster backend takes. */
    public ClusterSettings settings() {
        return new ClusterSettings(name, ClusterSettings.parseMembers(members), bindInterface, port, minWorkers,
                shardPrompts == null ? 0 : shardPrompts, Duration.ofSeconds(timeout), weightsPath);
    }
}
