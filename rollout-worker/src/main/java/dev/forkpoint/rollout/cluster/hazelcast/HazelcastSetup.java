package dev.forkpoint.rollout.cluster.hazelcast;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.forkpoint.rollout.cluster.ForkpointVersion;
import java.util.List;
import java.util.UUID;

/** The member config trainers and workers share: discovery, binding, serialisation filter, maps and executor. */
final class HazelcastSetup {

    static final String ROLE = "forkpoint.role";
    static final String VERSION = "forkpoint.version";
    static final String ROLE_WORKER = "worker";
    static final String ROLE_TRAINER = "trainer";
    static final String WEIGHTS_MAP = "forkpoint-weights";
    static final String EXECUTOR = "forkpoint-rollout";
    static final String WORKER_CONTEXT = "forkpoint.worker";

    private HazelcastSetup() {
    }

    /**
     * @param bindInterface the address or pattern to bind to; null binds the first interface Hazelcast picks
     * @param lite          a trainer: a lite member holds no data (weights live on the workers, with a backup)
     */
    static Config config(String clusterName, List<String> members, String bindInterface, int port, boolean lite,
                         String role) {
        Config c = new Config();
        c.setClusterName(clusterName);
        c.setInstanceName("forkpoint-" + role + "-" + UUID.randomUUID().toString().substring(0, 8));
        c.setLiteMember(lite);
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        // Forkpoint closes its members itself (the worker on SIGTERM, the trainer with its run).
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        // A cluster of a few members on a known list: no reason to wait 5 s for more to appear before joining.
        c.setProperty("hazelcast.wait.seconds.before.join", "1");
        // Members that started apart (a trainer before any worker it lists, or a worker that lists only other
        // workers) form separate clusters until Hazelcast's split-brain merge finds them through the member lists:
        // look every 10 s rather than after 5 minutes.
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(true);
        if (bindInterface != null && !bindInterface.isBlank()) {
            net.getInterfaces().setEnabled(true).addInterface(bindInterface);
            c.setProperty("hazelcast.socket.bind.any", "false");
        }
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
        c.getMemberAttributeConfig().setAttribute(ROLE, role);
        c.getMemberAttributeConfig().setAttribute(VERSION, ForkpointVersion.get());
        // Java deserialisation only of Forkpoint's own types (and the JDK's and Hazelcast's, the defaults kept).
        c.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setWhitelist(new ClassFilter().addPrefixes("dev.forkpoint.")));
        c.getMapConfig(WEIGHTS_MAP).setBackupCount(1);
        c.getExecutorConfig(EXECUTOR).setPoolSize(1);
        return c;
    }
}
