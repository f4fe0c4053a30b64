package dev.forkpoint.learner.cli;

import dev.forkpoint.rollout.cluster.WorkerMain;
import java.io.PrintStream;

/** {@code forkpoint worker}: a rollout worker process ({@link WorkerMain}; docs/cluster.md). */
public final class WorkerCommand implements Command {

    @Override
    public String name() {
        return "worker";
    }

    @Override
    public String summary() {
        return "run a rollout worker that samples shards for runs with rollout.backend = cluster";
    }

    @Override
    public String usage() {
        return WorkerMain.USAGE;
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        return WorkerMain.run(args, out, err, null);
    }
}
