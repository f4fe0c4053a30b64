package dev.forkpoint.rollout.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.forkpoint.rollout.cluster.ShardResult;
import dev.forkpoint.rollout.cluster.ShardTask;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;

/** A shard sent to a worker member, run there by its {@link HazelcastWorkerNode}. */
final class ShardCall implements Callable<ShardResult>, Serializable, HazelcastInstanceAware {

    @Serial
    private static final long serialVersionUID = 1L;

    private final ShardTask task;
    private transient HazelcastInstance instance;

    ShardCall(ShardTask task) {
        this.task = task;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
    }

    @Override
    public ShardResult call() {
        Object node = instance.getUserContext().get(HazelcastSetup.WORKER_CONTEXT);
        if (!(node instanceof HazelcastWorkerNode worker)) {
            throw new IllegalStateException("member " + instance.getCluster().getLocalMember()
                    + " is not a Forkpoint rollout worker");
        }
        return worker.run(task);
    }
}
