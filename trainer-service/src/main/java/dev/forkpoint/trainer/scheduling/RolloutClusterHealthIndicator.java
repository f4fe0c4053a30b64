package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.rollout.cluster.hazelcast.HazelcastRolloutCluster;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "rolloutCluster": the clusters this service's runs with
 * {@code rollout.backend = cluster} are members of, with their rollout workers. Always UP: a run short of workers
 * waits and says so in its notes, and fails with the reason after {@code rollout.cluster.timeout}; the service
 * itself is fine.
 */
@Component("rolloutCluster")
public class RolloutClusterHealthIndicator implements HealthIndicator {

    @Override
    public Health health() {
        List<String> clusters = HazelcastRolloutCluster.openClusters();
        return Health.up()
                .withDetail("clusters", clusters.isEmpty() ? List.of("none: no run uses rollout.backend = cluster")
                        : clusters)
                .build();
    }
}
