package dev.forkpoint.rollout.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.forkpoint.rollout.cluster.ForkpointVersion;
import dev.forkpoint.rollout.cluster.ShardResult;
import dev.forkpoint.rollout.cluster.ShardRunner;
import dev.forkpoint.rollout.cluster.ShardTask;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A rollout worker's Hazelcast member: holds its share of the published weights and samples the shards sent to it. */
public final class HazelcastWorkerNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HazelcastWorkerNode.class);

    private final HazelcastInstance instance;
    private final ShardRunner runner;
    private final String id;

    private HazelcastWorkerNode(HazelcastInstance instance, Path scratch) {
        this.instance = instance;
        this.id = instance.getCluster().getLocalMember().getUuid().toString();
        IMap<String, byte[]> weights = instance.getMap(HazelcastSetup.WEIGHTS_MAP);
        this.runner = new ShardRunner(id, (m, i) -> HazelcastRolloutCluster.chunk(weights, m, i), scratch);
    }

    /**
     * Joins {@code clusterName} as a worker member.
     *
     * @param bindInterface address or pattern to bind to (null: Hazelcast's choice)
     * @param scratch       directory for the checkpoint file of each new weight version
     */
    public static HazelcastWorkerNode start(String clusterName, List<String> members, String bindInterface, int port,
                                            Path scratch) {
        Config config = HazelcastSetup.config(clusterName, members, bindInterface, port, false,
                HazelcastSetup.ROLE_WORKER);
        config.addListenerConfig(new com.hazelcast.config.ListenerConfig(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                checkVersion(clusterName, e.getMember());
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                log.info("cluster '{}': member {} left", clusterName, e.getMember().getSocketAddress());
            }
        }));
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(config);
        HazelcastWorkerNode node = new HazelcastWorkerNode(hz, scratch);
        // A shard that arrives before this line finds no worker and fails; the trainer sends it again.
        hz.getUserContext().put(HazelcastSetup.WORKER_CONTEXT, node);
        for (Member m : hz.getCluster().getMembers()) {
            if (!m.localMember()) {
                checkVersion(clusterName, m);
            }
        }
        return node;
    }

    private static void checkVersion(String clusterName, Member m) {
        String version = m.getAttribute(HazelcastSetup.VERSION);
        if (!ForkpointVersion.get().equals(version)) {
            log.error("cluster '{}': member {} ({}) runs Forkpoint {}, this worker Forkpoint {}: its shards will be "
                    + "refused; run the same build everywhere", clusterName, m.getSocketAddress(),
                    m.getAttribute(HazelcastSetup.ROLE), version, ForkpointVersion.get());
        } else {
            log.info("cluster '{}': {} {} joined", clusterName, m.getAttribute(HazelcastSetup.ROLE),
                    m.getSocketAddress());
        }
    }

    ShardResult run(ShardTask task) {
        try {
            return runner.run(task);
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", task.describe(), e.toString());
            throw e;
        }
    }

    public String id() {
        return id;
    }

    public String address() {
        return String.valueOf(instance.getCluster().getLocalMember().getSocketAddress());
    }

    @Override
    public void close() {
        instance.shutdown();
        runner.close();
    }
}
