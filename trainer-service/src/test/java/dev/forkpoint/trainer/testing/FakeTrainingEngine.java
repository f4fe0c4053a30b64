package dev.forkpoint.trainer.testing;

import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.CheckpointRef;
import dev.forkpoint.learner.run.RewardSignalWatch;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.learner.run.TrainingSession;
import dev.forkpoint.trainer.scheduling.TrainingEngine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double for the real engine (rollout + learner, wired later): deterministic steps from the seed, a
 * state (step, RNG) that a checkpoint file really carries across a resume, and a record of every open so
 * tests can see what the scheduler did. Task options ({@code task.name = "fake"}): {@code stepMillis}
 * (sleep per step), {@code failOnceAtStep} (the first attempt throws at that step), {@code evalPeakStep}
 * (eval accuracy {@code 1 - |step - peak| / 10}).
 */
public class FakeTrainingEngine implements TrainingEngine {

    /** One call of {@link #open}: which run, and the checkpoint step it resumed from (-1: fresh). */
    public record Open(long runId, int resumedFrom) {
    }

    public final List<Open> opens = new CopyOnWriteArrayList<>();
    public final AtomicInteger openSessions = new AtomicInteger();
    public final AtomicInteger maxOpenSessions = new AtomicInteger();
    private final Set<Long> failedOnce = ConcurrentHashMap.newKeySet();

    public List<Open> opensOf(long runId) {
        return opens.stream().filter(o -> o.runId() == runId).toList();
    }

    /** Runs whose opening stopped because the service was shutting down. */
    public final List<Long> stoppedOpenings = new CopyOnWriteArrayList<>();

    /** A fresh run with {@code openMillis} opens slowly, as a warm start does, and stops when the service does. */
    @Override
    public TrainingSession open(long runId, RunSpec config, Optional<CheckpointRef> resumeFrom,
                                java.util.function.BooleanSupplier stopping) throws Exception {
        long openMillis = config.task() instanceof FakeTask f ? f.openMillis() : 0;
        if (resumeFrom.isEmpty() && openMillis > 0) {
            long end = System.nanoTime() + openMillis * 1_000_000L;
            for (int k = 0; System.nanoTime() < end; k++) {
                if (stopping.getAsBoolean()) {
                    stoppedOpenings.add(runId);
                    throw new dev.forkpoint.learner.warmstart.WarmStartStopped(k);
                }
                Thread.sleep(10);
            }
        }
        return open(runId, config, resumeFrom);
    }

    @Override
    public TrainingSession open(long runId, RunSpec config, Optional<CheckpointRef> resumeFrom) throws Exception {
        int step = 0;
        long rng = config.seed() * 0x9E3779B97F4A7C15L + 1;
        if (resumeFrom.isPresent()) {
            CheckpointRef ref = resumeFrom.get();
            byte[] content = Files.readAllBytes(ref.path());
            if (!sha256(content).equals(ref.sha256())) {
                throw new IllegalStateException("checkpoint " + ref.path() + ": checksum mismatch");
            }
            String[] parts = new String(content, StandardCharsets.UTF_8).strip().split(" ");
            step = Integer.parseInt(parts[0]);
            rng = Long.parseLong(parts[1]);
        }
        opens.add(new Open(runId, resumeFrom.map(CheckpointRef::step).orElse(-1)));
        maxOpenSessions.accumulateAndGet(openSessions.incrementAndGet(), Math::max);
        return new Session(runId, config, step, rng);
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private final class Session implements TrainingSession {
        private final long runId;
        private final int steps;
        private final int evalEvery;
        private final long stepMillis;
        private final int failOnceAtStep;
        private final int evalPeakStep;
        private final boolean noRewardSignal;
        private int step;
        private long rng;
        private Double lastEval;

        Session(long runId, RunSpec config, int step, long rng) {
            this.runId = runId;
            this.steps = config.training().steps();
            this.evalEvery = config.training().evalEvery();
            // Other tasks (configs from the parser tests) run with the fake task's defaults.
            FakeTask task = config.task() instanceof FakeTask f ? f : new FakeTask(0, -1, 0, "", false, 0, 0);
            this.stepMillis = task.stepMillis();
            this.failOnceAtStep = task.failOnceAtStep();
            this.evalPeakStep = task.evalPeakStep();
            this.noRewardSignal = task.noRewardSignal();
            this.step = step;
            this.rng = rng;
        }

        @Override
        public StepReport step() throws Exception {
            if (stepMillis > 0) {
                Thread.sleep(stepMillis);
            }
            int next = step + 1;
            if (next == failOnceAtStep && failedOnce.add(runId)) {
                throw new IllegalStateException("fake engine: injected failure at step " + next);
            }
            rng = rng * 6364136223846793005L + 1442695040888963407L; // LCG: state a checkpoint must carry
            double u = (rng >>> 11) * 0x1.0p-53;
            step = next;
            Double eval = evalEvery > 0 && step % evalEvery == 0 ? 1.0 - Math.abs(step - evalPeakStep) / 10.0 : null;
            if (eval != null) {
                lastEval = eval;
            }
            if (noRewardSignal) {
                return new StepReport(step, 0.0, 0.0, 1.0 + u, 0.0, 0.0, 1000 + step, 100, Duration.ofMillis(2),
                        Duration.ofMillis(1), eval, Map.of("u", u, RewardSignalWatch.METRIC, 0.0));
            }
            return new StepReport(step, u, u / 2, 1.0 + u, 0.01 * u, 0.1 * u, 1000 + step, 100,
                    Duration.ofMillis(2), Duration.ofMillis(1), eval, Map.of("u", u, "rng_low", (double) (rng & 0xFFFF),
                    RewardSignalWatch.METRIC, 0.5));
        }

        @Override
        public CheckpointRef checkpoint(Path dir) throws Exception {
            byte[] content = (step + " " + rng + "\n").getBytes(StandardCharsets.UTF_8);
            Path target = dir.resolve(String.format("step-%06d.ckpt", step));
            Path tmp = dir.resolve(target.getFileName() + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new CheckpointRef(step, target, sha256(content), content.length, lastEval);
        }

        @Override
        public int completedSteps() {
            return step;
        }

        @Override
        public int totalSteps() {
            return steps;
        }

        @Override
        public String device() {
            return "fake-cpu";
        }

        @Override
        public void close() {
            openSessions.decrementAndGet();
        }
    }
}
