package dev.forkpoint.learner.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.config.OverlongOptions;
import dev.forkpoint.learner.loop.DynamicSampling;
import dev.forkpoint.learner.loop.PolicyUpdate;
import dev.forkpoint.learner.loop.SeedStreams;
import dev.forkpoint.learner.loop.UpdateSettings;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.learner.shaping.OverlongRewardShaping;
import dev.forkpoint.rollout.batch.LocalRollout;
import dev.forkpoint.rollout.batch.RolloutBackend;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.batch.RolloutCall;
import dev.forkpoint.rollout.cluster.ClusterRollout;
import dev.forkpoint.rollout.cluster.ClusterSettings;
import dev.forkpoint.rollout.cluster.hazelcast.HazelcastRolloutCluster;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.device.DeviceSelection;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.hf.HfModelDirectory;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.sampler.AdaptiveTemperature;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.sampler.TemperatureRule;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.TaskConfig;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import dev.forkpoint.learner.warmstart.WarmStart;
import dev.forkpoint.learner.warmstart.WarmStartConfig;
import dev.forkpoint.learner.warmstart.WarmStartResult;
import dev.forkpoint.learner.warmstart.WarmStartStopped;
import dev.forkpoint.learner.config.ModelSpec;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.config.TrainingSpec;
import dev.forkpoint.learner.config.WarmStartSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RL training run as a plain-Java session: rollouts from the {@link RolloutWorker}, DAPO shaping and
 * dynamic sampling when the objective enables them, advantages once per rollout batch, the {@link PolicyUpdate},
 * evaluation every {@code training.evalEvery} steps, and atomic checkpoints that resume to the same steps.
 * Used by one thread; not thread-safe.
 */
public final class RlRun implements TrainingSession {

    private static final Logger log = LoggerFactory.getLogger(RlRun.class);
    /** Evaluation prompts generated per batch: bounds the KV cache's memory. */
    private static final int EVAL_CHUNK = 64;
    /** Checkpoint extras holding a warm-started run's KL reference, which the config alone cannot rebuild. */
    private static final String REFERENCE_PREFIX = "reference.";
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    private final RunSpec config;
    private final RunSettings settings;
    private final Device device;
    private final Task task;
    private final Tokenizer tokenizer;
    private final Policy policy;
    private final Policy reference;
    private final PolicyObjective objective;
    private final AdamW optimizer;
    private final PolicyUpdate update;
    private final RolloutWorker worker;
    /** Samples training rollouts: {@link #worker} itself, or the rollout workers of a cluster. */
    private final RolloutBackend rollouts;
    private final AdaptiveTemperature adaptive;
    private final TemperatureRule temperature;
    private final SamplingConfig sampling;
    private final OverlongRewardShaping shaping;
    /** Parent of every per-step sub-manager; lives as long as the run. */
    private final NDManager manager;

    /** Sees each step's token entropies (analytics); null for none. Closed with the run. */
    private StepObserver observer;
    private int completedSteps;
    private long dataCursor;
    private Double lastEvalAccuracy;
    /** What this process's warm start measured; null when the run did not warm-start here (off, or resumed). */
    private WarmStartResult warmStart;

    private RlRun(RunSpec config, Task customTask, Path resumeFrom) {
        this(config, customTask, resumeFrom, () -> false);
    }

    /** @param stop asked before each warm-start step; true ends the opening with {@link WarmStartStopped} */
    private RlRun(RunSpec config, Task customTask, Path resumeFrom, java.util.function.BooleanSupplier stop) {
        this.config = config;
        this.settings = RunSettings.of(config);
        this.task = customTask != null ? customTask : Tasks.create(config.task());
        this.device = DeviceSelection.resolve(config.device());
        this.objective = new PolicyObjective(settings.objective());
        RunState state = null;
        Policy p = null;
        Policy ref = null;
        AdamW opt = null;
        Tokenizer tok = null;
        NDManager m = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> optimizerState = null;
            try (NDManager extras = m.newSubManager()) {
                if (resumeFrom != null) {
                    PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(resumeFrom, device, extras);
                    p = loaded.policy();
                    tok = loaded.tokenizer();
                    state = RunState.fromMetadata(loaded.metadata(), resumeFrom.toString());
                    if (state.runSeed() != config.seed()) {
                        throw new IllegalArgumentException("seed = " + config.seed() + ": the checkpoint " + resumeFrom
                                + " was written by a run with seed " + state.runSeed());
                    }
                    optimizerState = new LinkedHashMap<>();
                    for (Map.Entry<String, NDArray> e : loaded.extras().entrySet()) {
                        if (e.getKey().startsWith("adamw.")) {
                            optimizerState.put(e.getKey().substring("adamw.".length()), e.getValue());
                        }
                    }
                    if (settings.objective().kl() != null && adapters(p)) {
                        ref = ((HfDecoder) p).baseView();
                    } else if (settings.objective().kl() != null && config.model().warmStart().enabled()) {
                        // The reference is the warm-started policy: stored in the checkpoint, never re-trained.
                        ref = storedReference(loaded, resumeFrom);
                    } else if (settings.objective().kl() != null) {
                        Initial initial = initialPolicy(config, device);
                        try (Policy fresh = initial.policy) {
                            ref = fresh.frozenCopy();
                        } finally {
                            closeQuietly(closeable(initial.tokenizer));
                        }
                    }
                } else {
                    Initial initial = initialPolicy(config, device);
                    p = initial.policy;
                    tok = initial.tokenizer;
                    if (config.model().warmStart().enabled()) {
                        if (customTask != null) {
                            throw new IllegalArgumentException("model.warmStart.steps = "
                                    + config.model().warmStart().steps() + ": a warm start needs a registry task");
                        }
                        warmStart = warmStart(config, p, tok, stop);
                    }
                    if (settings.objective().kl() != null) {
                        // LoRA: the frozen base with its adapters off; otherwise a copy of the starting policy.
                        ref = adapters(p) ? ((HfDecoder) p).baseView() : p.frozenCopy();
                    }
                }
                TrainingSpec t = config.training();
                // A fresh RL optimiser, also after a warm start (whose AdamW state is dropped).
                int updatesPerStep = t.ppoEpochs() * t.miniBatches();
                opt = new AdamW(new AdamW.Config(t.learningRate(), 0.9, 0.999, 1e-8, t.weightDecay(),
                        t.warmupSteps() * updatesPerStep, AdamW.Decay.valueOf(t.lrSchedule().toUpperCase(Locale.ROOT)),
                        (long) t.steps() * updatesPerStep, t.minLrRatio()), p.parameters());
                if (optimizerState != null) {
                    opt.loadState(optimizerState);
                }
            }
            this.tokenizer = tok;
        } catch (RuntimeException e) {
            closeQuietly(p, ref, opt, m, closeable(tok));
            throw e;
        }
        this.policy = p;
        this.reference = ref;
        this.optimizer = opt;
        this.manager = m;
        this.update = new PolicyUpdate(policy, reference, objective, optimizer,
                new UpdateSettings(config.training().ppoEpochs(), config.training().miniBatches(),
                        config.training().gradClip(), config.seed(), config.training().logitChunkTokens(),
                        config.training().gradientCheckpointing()),
                tokenizer.padId());
        this.worker = new RolloutWorker(policy, tokenizer, task);
        try {
            this.rollouts = config.rollout().clustered() ? clusterRollout(config, customTask != null, stop)
                    : new LocalRollout(worker, shardPrompts(config));
        } catch (RuntimeException e) {
            closeQuietly(policy, reference, optimizer, manager, closeable(tokenizer));
            throw e;
        }
        double tBase = config.sampling().temperature();
        this.adaptive = settings.adaptiveTemperature()
                ? new AdaptiveTemperature(tBase, settings.tau(), settings.pivotQuantile()) : null;
        this.temperature = adaptive != null ? adaptive : new FixedTemperature(tBase);
        this.sampling = new SamplingConfig(config.sampling().maxNewTokens(), tokenizer.stopIds(),
                tokenizer.padId(), config.sampling().topP(), config.seed(), true);
        OverlongOptions o = settings.objective().overlong();
        if (o != null) {
            int lmax = o.resolvedMaxLength(config.sampling().maxNewTokens());
            this.shaping = new OverlongRewardShaping(lmax, o.resolvedBuffer(lmax), o.penaltyFactor());
        } else {
            this.shaping = null;
        }
        if (state != null) {
            completedSteps = state.completedSteps();
            dataCursor = state.dataCursor();
            lastEvalAccuracy = state.lastEvalAccuracy();
            if (adaptive != null && state.temperature() != null) {
                adaptive.restore(state.temperature());
            }
        }
        log.info("RL run opened on {}: task {}, objective {}, model {}, {} at step {}", device, task.name(),
                settings.objective(), policy.description(), resumeFrom == null ? "fresh" : "resumed from " + resumeFrom,
                completedSteps);
    }

    /**
     * A fresh run: the policy from {@code model.path} (a Hugging Face model), {@code model.checkpoint}, or initialised
     * from the run seed.
     */
    public static RlRun open(RunSpec config) {
        return new RlRun(config, null, null);
    }

    /**
     * A fresh run whose opening warm start (if any) checks {@code stop} before every step and ends with
     * {@link WarmStartStopped} when it answers true: a service shutting down need not wait for a long warm start.
     */
    public static RlRun open(RunSpec config, java.util.function.BooleanSupplier stop) {
        return new RlRun(config, null, null, stop);
    }

    /** A fresh run on a task built outside the registry (tests, embedding); {@code config.task()} is ignored. */
    public static RlRun open(RunSpec config, Task task) {
        return new RlRun(config, task, null);
    }

    /** As {@link #resume(RunSpec, Path)} with a task built outside the registry. */
    public static RlRun resume(RunSpec config, Task task, Path checkpoint) {
        return new RlRun(config, task, checkpoint);
    }

    /** A run resumed from a checkpoint written by {@link #checkpoint}; the config must be the run's own. */
    public static RlRun resume(RunSpec config, Path checkpoint) {
        return new RlRun(config, null, checkpoint);
    }

    private record Initial(Policy policy, Tokenizer tokenizer) {}

    /** The policy a run starts from; also what the reference policy of the KL term is a frozen copy of. */
    private static Initial initialPolicy(RunSpec config, Device device) {
        ModelSpec spec = config.model();
        if (spec.path() != null) {
            HfModelDirectory.Loaded hf = spec.lora() == null
                    ? HfModelDirectory.load(Path.of(spec.path()), device, spec.contextLength(), true)
                    : HfModelDirectory.loadWithAdapters(Path.of(spec.path()), device, spec.contextLength(),
                            spec.lora().spec(), SeedStreams.seed(config.seed(), SeedStreams.INIT, 0, 0));
            return new Initial(hf.policy(), hf.tokenizer());
        }
        if (spec.checkpoint() != null) {
            PolicyCheckpoint.Loaded base = PolicyCheckpoint.load(Path.of(spec.checkpoint()), device);
            try {
                if (base.policy() instanceof DecoderTransformer d) {
                    ModelConfig c = d.config();
                    check(spec.layers(), c.layers(), "model.layers", spec);
                    check(spec.heads(), c.heads(), "model.heads", spec);
                    check(spec.dModel(), c.dModel(), "model.dModel", spec);
                }
                check(spec.contextLength(), base.policy().contextLength(), "model.contextLength", spec);
            } catch (RuntimeException e) {
                base.close();
                throw e;
            }
            baseTaskMismatch(base.metadata().get("task"), config.task()).ifPresent(log::warn);
            return new Initial(base.policy(), base.tokenizer());
        }
        Tokenizer tok = new BuiltinTokenizer();
        ModelConfig c = new ModelConfig(tok.vocabSize(), spec.layers(), spec.heads(), spec.dModel(),
                spec.contextLength(), 4);
        return new Initial(DecoderTransformer.initialize(c, config.seed(), device), tok);
    }

    /**
     * {@code rollout.backend = cluster}: joins the cluster as a lite member; shards carry the task's config, so the
     * task must come from the registry. The run's weights are published under the run's name and a random suffix.
     */
    private ClusterRollout clusterRollout(RunSpec config, boolean customTask, java.util.function.BooleanSupplier stop) {
        if (customTask) {
            throw new IllegalArgumentException("rollout.backend = cluster: rollout workers build the task from its "
                    + "config, so it must be a registry task (this run's task was built in code)");
        }
        ClusterSettings cluster = config.rollout().cluster().settings();
        String runId = config.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8);
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "forkpoint-cluster");
        String taskJson = JSON.writeValueAsString(RunSpec.taskDocument(config.task()));
        HazelcastRolloutCluster members = HazelcastRolloutCluster.join(cluster);
        ClusterRollout c = new ClusterRollout(members, cluster, runId, taskJson, config.device(), worker,
                file -> PolicyCheckpoint.save(file, policy, tokenizer), scratch);
        c.stopWhen(stop);
        return c;
    }

    @Override
    public void onStatus(java.util.function.Consumer<String> listener) {
        if (rollouts instanceof ClusterRollout c) {
            c.onStatus(listener);
        }
    }

    /** {@code rollout.cluster.shardPrompts}, which both backends honour; 0 when unset (whole batches). */
    private static int shardPrompts(RunSpec config) {
        Integer n = config.rollout().cluster().shardPrompts();
        return n == null ? 0 : n;
    }

    /** The backend that samples this run's training rollouts. */
    public RolloutBackend rolloutBackend() {
        return rollouts;
    }

    /**
     * A warning when the base checkpoint was warm-started on the same task with other options (split seed,
     * evaluation size, number ranges): its training problems may then include this run's held-out ones, or come from
     * another distribution, so held-out accuracy would not measure what it claims. Empty when they match, when the
     * base records no task, or when the tasks differ by name (a base for another task shares no split).
     */
    static Optional<String> baseTaskMismatch(String baseTaskJson, TaskConfig run) {
        if (baseTaskJson == null) {
            return Optional.empty();
        }
        TaskConfig base;
        try {
            base = Tasks.parse(baseTaskJson);
        } catch (RuntimeException e) {
            return Optional.of("model.checkpoint: its metadata task " + baseTaskJson
                    + " is not a valid task config (" + e.getMessage() + "); held-out accuracy is not checked against it");
        }
        if (run == null) {
            return Optional.empty(); // not a registry task (a test's scripted task): nothing to compare
        }
        if (!base.name().equals(run.name()) || base.equals(run)) {
            return Optional.empty();
        }
        return Optional.of("model.checkpoint was warm-started on task " + base + " but this run's task is "
                + run + ": the base's training problems may include this run's held-out problems or come from "
                + "another distribution; use the base's task config (its metadata 'task') for a held-out evaluation");
    }

    /**
     * Fine-tunes {@code policy} in place on the task's worked solutions ({@link WarmStart}), logging its progress;
     * weight decay 0.01 and clip 1.0 as in docs/warm-start.md's recipe, greedy evaluation on
     * {@code training.evalSize} held-out problems at the start, five times during and at the end.
     */
    private static WarmStartResult warmStart(RunSpec config, Policy policy, Tokenizer tokenizer,
                                             java.util.function.BooleanSupplier stop) {
        WarmStartSpec w = config.model().warmStart();
        WarmStartConfig recipe = new WarmStartConfig(config.task(),
                policy instanceof DecoderTransformer d ? d.config() : null, config.seed(),
                w.steps(), w.batchSize(), w.learningRate(), w.warmupSteps(), 0.01, 1.0,
                w.steps() >= 10 ? w.steps() / 5 : 0, config.training().evalSize(), config.sampling().maxNewTokens(),
                0L, 0.0, w.data() == null ? null : Path.of(w.data()));
        log.info("warm start: {} supervised steps on {} (batch {}, lr {}), then RL", w.steps(),
                w.data() == null ? "the worked solutions of " + config.task() : "the pairs of " + w.data(),
                w.batchSize(), w.learningRate());
        WarmStartResult r = new WarmStart(recipe, tokenizer).train(policy, p -> log.info("warm start {}", p.line()),
                stop);
        log.info(String.format(Locale.ROOT, "warm start done: %d steps in %.1f s, greedy eval accuracy %.3f"
                        + " -> %.3f on %d held-out problems, %d skipped steps; RL starts with a fresh optimiser",
                r.steps(), r.totalSeconds(), r.accuracyCurve().get(0).accuracy(), r.evalAccuracy(),
                config.training().evalSize(), r.skippedSteps()));
        return r;
    }

    /** The KL reference a warm-started run stored in its checkpoint ({@link #checkpoint}). */
    private Policy storedReference(PolicyCheckpoint.Loaded loaded, Path file) {
        Map<String, float[]> values = new LinkedHashMap<>();
        loaded.extras().forEach((k, v) -> {
            if (k.startsWith(REFERENCE_PREFIX)) {
                values.put(k.substring(REFERENCE_PREFIX.length()), v.toFloatArray());
            }
        });
        if (values.isEmpty()) {
            throw new IllegalArgumentException("model.warmStart.steps = " + config.model().warmStart().steps()
                    + ": the checkpoint " + file + " holds no KL reference (written without a warm start?)");
        }
        return loaded.policy().withValues(values, false);
    }

    private static void check(int given, int stored, String field, ModelSpec spec) {
        if (given != stored) {
            throw new IllegalArgumentException(field + " = " + given + ": the base checkpoint " + spec.checkpoint()
                    + " has " + stored + "; set " + field + " to " + stored);
        }
    }

    /** Runs the next step: rollout (with dynamic sampling when enabled), update, and evaluation when due. */
    @Override
    public StepReport step() {
        int step = completedSteps + 1;
        TrainingSpec t = config.training();
        int prompts = t.promptsPerStep();
        long cursor = dataCursor;
        long t0 = System.nanoTime();
        long version = completedSteps;
        java.util.function.IntFunction<RolloutBatch> draw = g -> rollouts.rollout(new RolloutCall(step, g, version,
                cursor + (long) g * prompts, prompts, t.groupSize(),
                sampling.withSeed(SeedStreams.seed(config.seed(), SeedStreams.SAMPLING, step, g)), temperature),
                manager);
        DynamicSampling.Collected collected = settings.objective().dynamicSampling() != null
                ? DynamicSampling.collect(draw, prompts, settings.maxGenBatches()) : DynamicSampling.single(draw);
        RolloutBatch drawn = collected.drawn();
        if (adaptive != null) {
            // One step lag (docs/algorithms.md section 4): this step's entropies drive the next step's temperatures.
            adaptive.update(drawn.oldEntropies());
        }
        long t1 = System.nanoTime();
        notify(() -> observer.rollout(step, drawn, tokenizer));

        RolloutBatch batch = collected.batch();
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (batch.size() > 0) {
            double[] rewards = shaping != null ? shaping.shape(batch.scores(), batch.responseLengths())
                    : batch.scores().clone();
            double[] advantages = objective.advantages(rewards, batch.groups(), batch.responseLengths());
            UpdateEntropies seen = observer == null ? null : new UpdateEntropies(batch);
            metrics.putAll(update.update(batch, advantages, step, manager, seen));
            if (seen != null) {
                notify(() -> observer.update(step, batch, seen.entropies, seen.covariance, tokenizer));
            }
            metrics.put("critic/rewards/mean", mean(rewards));
            metrics.put("critic/advantages/mean", mean(advantages));
        }
        if (warmStart != null && step == 1) {
            metrics.put("warm_start/steps", (double) warmStart.steps());
            metrics.put("warm_start/eval_accuracy", warmStart.evalAccuracy());
            metrics.put("warm_start/seconds", warmStart.totalSeconds());
        }
        long t2 = System.nanoTime();
        metrics.put("critic/score/mean", batch.meanScore());
        metrics.put("response_length/mean", mean(batch.responseLengths()));
        metrics.put("hapo/temperature_mean", RolloutBatch.tokenMean(drawn.temperatures()));
        metrics.put("rollout/score/mean", drawn.meanScore());
        metrics.put("rollout/accuracy", drawn.accuracy());
        metrics.put("rollout/entropy", RolloutBatch.tokenMean(drawn.oldEntropies()));
        metrics.put(RewardSignalWatch.METRIC, groupsWithRewardVariance(drawn));
        metrics.putAll(rollouts.drainMetrics());
        if (settings.objective().dynamicSampling() != null) {
            metrics.put("dynamic_sampling/gen_batches", (double) collected.genBatches());
            metrics.put("dynamic_sampling/kept_groups", (double) batch.groupCount());
            metrics.put("dynamic_sampling/update_skipped", batch.size() == 0 ? 1.0 : 0.0);
        }
        dataCursor = cursor + (long) collected.genBatches() * prompts;
        completedSteps = step;

        Double eval = null;
        if (t.evalEvery() > 0 && step % t.evalEvery() == 0) {
            eval = evaluate().accuracy();
            metrics.put("eval/accuracy", eval);
        }
        double rolloutSeconds = (t1 - t0) / 1e9;
        long tokens = drawn.responseTokens();
        metrics.put("timing/rollout_s", rolloutSeconds);
        metrics.put("timing/update_s", (t2 - t1) / 1e9);
        return new StepReport(step, drawn.meanScore(), drawn.accuracy(), RolloutBatch.tokenMean(drawn.oldEntropies()),
                metrics.getOrDefault("actor/ppo_kl", 0.0), metrics.getOrDefault("actor/pg_clipfrac", 0.0),
                rolloutSeconds > 0 ? tokens / rolloutSeconds : 0.0, tokens, Duration.ofNanos(t1 - t0),
                Duration.ofNanos(t2 - t1), eval, metrics);
    }

    /**
     * Hands each following step's token entropies to {@code stepObserver} (replacing any earlier one, which is not
     * closed); the run closes it in {@link #close()}. Null switches observing off.
     */
    public void observe(StepObserver stepObserver) {
        this.observer = stepObserver;
    }

    /**
     * Closes the observer now (it delivers what is pending) and surfaces its failure; called when the run has
     * finished, so that a run is only complete once its analytics are. Nothing to do without an observer.
     */
    public void flushObserver() {
        notify(() -> observer.close());
    }

    private interface ObserverCall {
        void run() throws Exception;
    }

    /** An observer failure fails the step: analytics are never dropped silently. */
    private void notify(ObserverCall call) {
        if (observer == null) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("step observer interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("step observer failed: " + e.getMessage(), e);
        }
    }

    /** Collects the first epoch's H and cov per response row from the update's mini-batches. */
    private static final class UpdateEntropies implements PolicyUpdate.TokenObserver {
        final float[][] entropies;
        final float[][] covariance;
        private final int[] lengths;

        UpdateEntropies(RolloutBatch batch) {
            lengths = batch.responseLengths();
            entropies = new float[batch.size()][];
            covariance = new float[batch.size()][];
        }

        @Override
        public void miniBatch(int[] rows, int cols, float[] entropy, double[] cov) {
            for (int i = 0; i < rows.length; i++) {
                int len = lengths[rows[i]];
                float[] h = new float[len];
                float[] c = new float[len];
                for (int j = 0; j < len; j++) {
                    h[j] = entropy[i * cols + j];
                    c[j] = (float) cov[i * cols + j];
                }
                entropies[rows[i]] = h;
                covariance[rows[i]] = c;
            }
        }
    }

    /**
     * Held-out accuracy of the current policy on {@code training.evalSize} evaluation problems, greedy, adaptive
     * temperature off (docs/algorithms.md section 4). Also usable before the first step (the "step 0" evaluation).
     */
    public RolloutWorker.Evaluation evaluate() {
        RolloutWorker.Evaluation e = worker.evaluate(config.training().evalSize(), EVAL_CHUNK,
                sampling.withSeed(SeedStreams.seed(config.seed(), SeedStreams.EVALUATION, completedSteps, 0)), false,
                config.sampling().temperature(), manager);
        lastEvalAccuracy = e.accuracy();
        return e;
    }

    /** Writes {@code step-NNNNNN.fpckpt} (the completed steps) into {@code dir}; see {@link #save}. */
    @Override
    public CheckpointRef checkpoint(Path dir) throws java.io.IOException {
        Path file = dir.resolve(String.format(Locale.ROOT, "step-%06d.fpckpt", completedSteps));
        save(file);
        return new CheckpointRef(completedSteps, file, CheckpointFiles.sha256(file), java.nio.file.Files.size(file),
                lastEvalAccuracy);
    }

    /**
     * Writes policy, AdamW state and the {@link RunState} (RNG seed, data cursor, adaptive-temperature
     * statistics) into one file, atomically (temp file, fsync, rename) with an internal SHA-256.
     */
    public void save(Path file) {
        try (NDManager extras = manager.newSubManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            optimizer.state(extras).forEach((k, v) -> arrays.put("adamw." + k, v));
            if (reference != null && config.model().warmStart().enabled() && !adapters(policy)) {
                reference.parameters().forEach((k, v) -> arrays.put(REFERENCE_PREFIX + k, v));
            }
            RunState state = new RunState(completedSteps, dataCursor, config.seed(),
                    adaptive == null ? null : adaptive.stats(), lastEvalAccuracy);
            PolicyCheckpoint.save(file, policy, tokenizer, arrays, state.toMetadata());
        }
    }

    @Override
    public int completedSteps() {
        return completedSteps;
    }

    @Override
    public int totalSteps() {
        return config.training().steps();
    }

    public long dataCursor() {
        return dataCursor;
    }

    /** The warm start this process ran before RL, empty when off or when the run was resumed. */
    public Optional<WarmStartResult> warmStart() {
        return Optional.ofNullable(warmStart);
    }

    public Double lastEvalAccuracy() {
        return lastEvalAccuracy;
    }

    @Override
    public String device() {
        return device.toString();
    }

    public Policy policy() {
        return policy;
    }

    public ObjectiveConfig objective() {
        return settings.objective();
    }

    @Override
    public void complete() {
        flushObserver();
    }

    @Override
    public void close() {
        closeQuietly(rollouts, observer, policy, reference, optimizer, manager, closeable(tokenizer));
    }

    /** Whether the policy trains LoRA adapters (its KL reference is then its own base, not a copy). */
    private static boolean adapters(Policy policy) {
        return policy instanceof HfDecoder h && h.lora() != null;
    }

    /** A Hugging Face tokenizer holds native memory; the built-in one holds nothing. */
    private static AutoCloseable closeable(Tokenizer tokenizer) {
        return tokenizer instanceof AutoCloseable c ? c : null;
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    log.warn("closing {}: {}", r.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }

    /** Share of the prompt groups of {@code drawn} whose responses' scores are not all equal. */
    static double groupsWithRewardVariance(RolloutBatch drawn) {
        Map<Integer, Double> first = new java.util.HashMap<>();
        java.util.Set<Integer> varied = new java.util.HashSet<>();
        double[] scores = drawn.scores();
        int[] groups = drawn.groups();
        for (int i = 0; i < groups.length; i++) {
            Double f = first.putIfAbsent(groups[i], scores[i]);
            if (f != null && f != scores[i]) {
                varied.add(groups[i]);
            }
        }
        return first.isEmpty() ? 0.0 : (double) varied.size() / first.size();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    private static double mean(int[] v) {
        double s = 0;
        for (int x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }
}
