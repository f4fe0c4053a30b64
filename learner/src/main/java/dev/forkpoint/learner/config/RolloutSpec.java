package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import java.util.List;

/**
 * Where a run's training rollouts are sampled ({@code rollout}): in the trainer's JVM, or on rollout workers of a
 * cluster (docs/cluster.md). Either gives the same rollouts, bit for bit.
 */
public record RolloutSpec(String backend, ClusterSpec cluster) {

    public static final String LOCAL = "local";
    public static final String CLUSTER = "cluster";

    static final Field<RolloutSpec, String> BACKEND = Field.choice("backend", RolloutSpec::backend,
                    List.of(LOCAL, CLUSTER))
            .defaultValue(LOCAL)
            .help("local: the trainer samples its own rollouts (no cluster member is started). cluster: rollout "
                    + "workers started with `forkpoint worker` sample them, shard by shard, with the same result.");

    public static final Section<RolloutSpec> SCHEMA = Section.<RolloutSpec>always("rollout")
            .fields(BACKEND)
            .child(ClusterSpec.SCHEMA, RolloutSpec::cluster)
            .factory(v -> new RolloutSpec(v.get(BACKEND), (ClusterSpec) v.get("cluster")))
            .rule((r, path, errors) -> {
                if (CLUSTER.equals(r.backend()) && r.cluster().name() == null) {
                    errors.add(path + ".cluster.name", path + ".cluster.name: required with " + path
                            + ".backend = cluster (the Hazelcast cluster's name, as the workers' --cluster-name)");
                }
                if (CLUSTER.equals(r.backend()) && r.cluster().members().isBlank()) {
                    errors.add(path + ".cluster.members", path + ".cluster.members: required with " + path
                            + ".backend = cluster (HOST:PORT of workers to join through, comma-separated)");
                }
            })
            .help("Where training rollouts are sampled (evaluation always runs in the trainer).");

    /** Whether rollouts go to a cluster. */
    public boolean clustered() {
        return CLUSTER.equals(backend);
    }
}
