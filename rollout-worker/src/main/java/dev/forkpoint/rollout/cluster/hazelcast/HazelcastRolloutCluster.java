package dev.forkpoint.rollout.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.forkpoint.rollout.cluster.ClusterSettings;
import dev.forkpoint.rollout.cluster.ForkpointVersion;
import dev.forkpoint.rollout.cluster.RolloutCluster;
import dev.forkpoint.rollout.cluster.ShardResult;
import dev.forkpoint.rollout.cluster.ShardTask;
import dev.forkpoint.rollout.cluster.WeightManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trainer's membership of a Hazelcast cluster: a lite member (it holds none of the cluster's data), which sends
 * shards to worker members through an executor and publishes weights into a map that the workers hold.
 */
public final class HazelcastRolloutCluster implements RolloutCluster {

    private static final Logger log = LoggerFactory.getLogger(HazelcastRolloutCluster.class);
    /** Every open trainer membership of this JVM, for health reports. */
    private static final Set<HazelcastRolloutCluster> OPEN = ConcurrentHashMap.newKeySet();

    private final ClusterSettings settings;
    private final HazelcastInstance instance;
    private final IMap<String, byte[]> weights;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<String, WeightManifest> stored = new HashMap<>();

    private HazelcastRolloutCluster(ClusterSettings settings, HazelcastInstance instance) {
        this.settings = settings;
        this.instance = instance;
        this.weights = instance.getMap(HazelcastSetup.WEIGHTS_MAP);
    }

    /** Joins {@code settings.name()} through its member list as a lite member. */
    public static HazelcastRolloutCluster join(ClusterSettings settings) {
        long t0 = System.nanoTime();
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastSetup.config(settings.name(),
                settings.members(), settings.bindInterface(), settings.port(), true, HazelcastSetup.ROLE_TRAINER));
        HazelcastRolloutCluster c = new HazelcastRolloutCluster(settings, hz);
        OPEN.add(c);
        log.info("joined cluster '{}' as trainer {} in {} ms: {}", settings.name(),
                hz.getCluster().getLocalMember().getSocketAddress(), (System.nanoTime() - t0) / 1_000_000,
                c.describe());
        return c;
    }

    /** Lines describing every trainer membership open in this JVM (for a health endpoint). */
    public static List<String> openClusters() {
        return OPEN.stream().map(HazelcastRolloutCluster::describe).sorted().toList();
    }

    @Override
    public List<Worker> workers() {
        List<Worker> out = new ArrayList<>();
        for (Member m : members()) {
            out.add(new Worker(m.getUuid().toString(), m.getSocketAddress().getHostString() + ":"
                    + m.getSocketAddress().getPort()));
        }
        return out;
    }

    private List<Member> members() {
        List<Member> out = new ArrayList<>();
        if (!instance.getLifecycleService().isRunning()) {
            return out;
        }
        for (Member m : instance.getCluster().getMembers()) {
            if (m.isLiteMember() || !HazelcastSetup.ROLE_WORKER.equals(m.getAttribute(HazelcastSetup.ROLE))) {
                continue;
            }
            String version = m.getAttribute(HazelcastSetup.VERSION);
            if (!ForkpointVersion.get().equals(version)) {
                if (refused.add(m.getUuid().toString())) {
                    log.error("cluster '{}': refusing rollout worker {} of Forkpoint {}; this trainer is Forkpoint {}"
                            + " and sends shards only to workers of the same build", settings.name(),
                            m.getSocketAddress(), version, ForkpointVersion.get());
                }
                continue;
            }
            out.add(m);
        }
        return out;
    }

    @Override
    public void submit(Worker worker, ShardTask task, BiConsumer<ShardResult, Throwable> done) {
        Member target = null;
        for (Member m : instance.getCluster().getMembers()) {
            if (m.getUuid().toString().equals(worker.id())) {
                target = m;
            }
        }
        if (target == null) {
            done.accept(null, new MemberLeftException("rollout worker " + worker.id() + " is no longer a member"));
            return;
        }
        instance.getExecutorService(HazelcastSetup.EXECUTOR).submitToMember(new ShardCall(task), target,
                new ExecutionCallback<ShardResult>() {
                    @Override
                    public void onResponse(ShardResult response) {
                        done.accept(response, null);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        done.accept(null, t);
                    }
                });
    }

    @Override
    public synchronized void publish(WeightManifest manifest, byte[] checkpoint) {
        Map<String, byte[]> chunks = new HashMap<>();
        int size = (int) Math.min(Integer.MAX_VALUE, (manifest.bytes() + manifest.chunks() - 1) / manifest.chunks());
        for (int i = 0; i < manifest.chunks(); i++) {
            int from = (int) Math.min(checkpoint.length, (long) i * size);
            int to = (int) Math.min(checkpoint.length, (long) (i + 1) * size);
            chunks.put(manifest.chunkKey(i), Arrays.copyOfRange(checkpoint, from, to));
        }
        weights.putAll(chunks);
        WeightManifest previous = stored.put(manifest.runId(), manifest);
        if (previous != null && previous.version() != manifest.version()) {
            remove(previous);
        }
    }

    /** The chunk layout {@link #publish} uses, for the worker's side. */
    static byte[] chunk(IMap<String, byte[]> map, WeightManifest manifest, int index) {
        return map.get(manifest.chunkKey(index));
    }

    @Override
    public synchronized void retire(String runId) {
        WeightManifest m = stored.remove(runId);
        if (m != null && instance.getLifecycleService().isRunning() && !members().isEmpty()) {
            remove(m);
        }
    }

    private void remove(WeightManifest m) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < m.chunks(); i++) {
            keys.add(m.chunkKey(i));
        }
        for (String k : keys) {
            weights.delete(k);
        }
    }

    @Override
    public boolean isWorkerLoss(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MemberLeftException || t instanceof TargetNotMemberException
                    || t instanceof HazelcastInstanceNotActiveException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String describe() {
        if (!instance.getLifecycleService().isRunning()) {
            return "cluster '" + settings.name() + "': left";
        }
        List<Worker> w = workers();
        return "cluster '" + settings.name() + "': " + instance.getCluster().getMembers().size() + " members, "
                + w.size() + " rollout workers " + w.stream().map(Worker::address).toList()
                + (refused.isEmpty() ? "" : ", " + refused.size() + " refused (other Forkpoint build)");
    }

    @Override
    public void close() {
        OPEN.remove(this);
        instance.shutdown();
    }
}
