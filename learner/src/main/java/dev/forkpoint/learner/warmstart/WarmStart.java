package dev.forkpoint.learner.warmstart;

import dev.forkpoint.rollout.policy.Gradients;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.learner.optim.OptimizerStep;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.learner.loop.SeedStreams;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Supervised fine-tuning of a policy on a task's worked solutions (or on prompt/completion pairs,
 * {@link PromptCompletionData}): next-token
 * cross-entropy on {@code bos + prompt + workedSolution + eos} with the loss on the response and eos only
 * ({@link SupervisedBatch}), one gradient collector per step, global-norm clipping, AdamW with warm-up. Greedy
 * accuracy on the EVAL split is measured at step 0, every {@code evalEvery} steps and at the end.
 */
public final class WarmStart {

    /** Progress lines between evaluations. */
    private static final int LOG_EVERY = 50;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WarmStartConfig config;
    private final Task task;
    private final Tokenizer tokenizer;
    /** The pairs of {@code config.data()}, or null to train on the task's worked solutions. */
    private final List<PromptCompletionData.Pair> pairs;

    public WarmStart(WarmStartConfig config, Tokenizer tokenizer) {
        if (config.model() != null && tokenizer.vocabSize() > config.model().vocabSize()) {
            throw new IllegalArgumentException("model.vocabSize = " + config.model().vocabSize() + ": the tokenizer has "
                    + tokenizer.vocabSize() + " ids");
        }
        this.config = config;
        this.task = Tasks.create(config.task());
        this.tokenizer = tokenizer;
        this.pairs = config.data() == null ? null : PromptCompletionData.read(config.data());
    }

    public Task task() {
        return task;
    }

    /** Initialises a policy from the seed, trains it, saves it to {@code out} (atomically) and returns the result. */
    public WarmStartResult run(Device device, Path out, Consumer<WarmStartProgress> progress) {
        if (config.model() == null) {
            throw new IllegalArgumentException("warmStart.model: required to initialise a policy");
        }
        try (DecoderTransformer policy = DecoderTransformer.initialize(config.model(), config.seed(), device)) {
            WarmStartResult result = train(policy, progress);
            save(out, policy, result);
            return result;
        }
    }

    /** Trains {@code policy} in place. */
    public WarmStartResult train(Policy policy, Consumer<WarmStartProgress> progress) {
        return train(policy, progress, () -> false);
    }

    /**
     * Trains {@code policy} in place, checking {@code stop} before every step: when it answers true the warm start
     * ends with {@link WarmStartStopped} (the policy is then half-trained and must be discarded).
     */
    public WarmStartResult train(Policy policy, Consumer<WarmStartProgress> progress,
                                 java.util.function.BooleanSupplier stop) {
        if (config.model() != null && policy instanceof DecoderTransformer d && !d.config().equals(config.model())) {
            throw new IllegalArgumentException("policy config " + d.config() + " differs from warmStart.model "
                    + config.model());
        }
        if (tokenizer.vocabSize() > policy.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids but the policy "
                    + policy.vocabSize() + " rows");
        }
        Map<String, NDArray> params = policy.parameters();
        AdamW.Config optim = new AdamW.Config(config.learningRate(), 0.9, 0.999, 1e-8, config.weightDecay(),
                config.warmupSteps());
        GreedyEvaluation evaluation = new GreedyEvaluation(task, tokenizer, config.maxNewTokens(), 256);
        TrainCursor cursor = new TrainCursor(config.seed(), pairs == null ? config.trainPool() : pairs.size(), 0);
        long start = System.nanoTime();
        long deadline = config.minutes() > 0 ? start + (long) (config.minutes() * 60e9) : Long.MAX_VALUE;
        List<WarmStartResult.Point> curve = new ArrayList<>();
        long trainNanos = 0;
        long tokens = 0;
        long windowNanos = 0;
        long windowTokens = 0;
        double loss = Double.NaN;
        double gradNorm = Double.NaN;
        double lr = 0;
        long step = 0;
        boolean stoppedByBudget = false;
        int skipped;
        try (NDManager base = NDManager.newBaseManager(policy.device()); AdamW adamW = new AdamW(optim, params)) {
            OptimizerStep optimizerStep = new OptimizerStep(adamW, config.maxGradNorm(),
                    "lower the warm start's learning rate (" + config.learningRate() + ")");
            GreedyEvaluation.Result first = evaluate(evaluation, policy, base, 0, start, curve);
            progress.accept(new WarmStartProgress(0, loss, gradNorm, 0, 0, first.accuracy(), seconds(start),
                    first.examples()));
            while (step < config.steps()) {
                if (stop.getAsBoolean()) {
                    throw new WarmStartStopped(step);
                }
                if (System.nanoTime() >= deadline) {
                    stoppedByBudget = true;
                    break;
                }
                SupervisedBatch batch = nextBatch(cursor, policy.contextLength());
                long t0 = System.nanoTime();
                AdamW.zeroGradients(params);
                try (NDManager sub = base.newSubManager();
                     Policy.Dropout dropout = policy.dropout(SeedStreams.seed(config.seed(), SeedStreams.DROPOUT,
                             step + 1, -1));
                     GradientCollector collector = Gradients.collect()) {
                    loss = batch.backward(policy, sub, collector);
                }
                OptimizerStep.Result taken = optimizerStep.apply(params, loss);
                gradNorm = taken.gradNorm();
                if (taken.skipped()) {
                    progress.accept(new WarmStartProgress(step + 1, loss, gradNorm, lr, 0, Double.NaN, seconds(start),
                            List.of("update skipped: non-finite loss or gradient (" + optimizerStep.skipped()
                                    + " so far)")));
                } else {
                    lr = taken.learningRate();
                }
                step++;
                long dt = System.nanoTime() - t0;
                trainNanos += dt;
                tokens += batch.realTokens();
                windowNanos += dt;
                windowTokens += batch.realTokens();
                boolean last = step == config.steps();
                boolean evalNow = last || (config.evalEvery() > 0 && step % config.evalEvery() == 0);
                if (evalNow || step % LOG_EVERY == 0) {
                    GreedyEvaluation.Result r = evalNow ? evaluate(evaluation, policy, base, step, start, curve) : null;
                    progress.accept(new WarmStartProgress(step, loss, gradNorm, lr, windowTokens / (windowNanos / 1e9),
                            r == null ? Double.NaN : r.accuracy(), seconds(start), r == null ? List.of() : r.examples()));
                    windowNanos = 0;
                    windowTokens = 0;
                }
            }
            skipped = optimizerStep.skipped();
            if (stoppedByBudget && step > 0 && curve.get(curve.size() - 1).step() != step) {
                GreedyEvaluation.Result r = evaluate(evaluation, policy, base, step, start, curve);
                progress.accept(new WarmStartProgress(step, loss, gradNorm, lr,
                        windowNanos > 0 ? windowTokens / (windowNanos / 1e9) : 0, r.accuracy(), seconds(start),
                        r.examples()));
            }
        }
        double finalAccuracy = curve.get(curve.size() - 1).accuracy();
        return new WarmStartResult(step, loss, finalAccuracy, curve, trainNanos / 1e9, seconds(start),
                trainNanos > 0 ? tokens / (trainNanos / 1e9) : 0, stoppedByBudget, skipped);
    }

    /**
     * Saves the base checkpoint with the task config, the recipe, the steps and the measured accuracy in its
     * metadata (keys {@code task}, {@code warmStart.*}).
     */
    public void save(Path out, Policy policy, WarmStartResult result) {
        PolicyCheckpoint.save(out, policy, tokenizer, Map.of(), metadata(result));
    }

    Map<String, String> metadata(WarmStartResult result) {
        Map<String, String> meta = new LinkedHashMap<>();
        ObjectNode taskJson = JSON.createObjectNode();
        taskJson.put("name", config.task().name());
        taskJson.setAll((ObjectNode) JSON.valueToTree(config.task()));
        meta.put("task", JSON.writeValueAsString(taskJson));
        ObjectNode recipe = JSON.createObjectNode();
        recipe.put("seed", config.seed());
        recipe.put("steps", config.steps());
        recipe.put("batchSize", config.batchSize());
        recipe.put("learningRate", config.learningRate());
        recipe.put("warmupSteps", config.warmupSteps());
        recipe.put("weightDecay", config.weightDecay());
        recipe.put("maxGradNorm", config.maxGradNorm());
        recipe.put("trainPool", config.trainPool());
        recipe.put("minutes", config.minutes());
        if (config.data() != null) {
            recipe.put("data", config.data().toString());
        }
        meta.put("warmStart.recipe", JSON.writeValueAsString(recipe));
        meta.put("warmStart.steps", Long.toString(result.steps()));
        meta.put("warmStart.evalAccuracy", Double.toString(result.evalAccuracy()));
        meta.put("warmStart.evalPrompts", Long.toString(Math.min(config.evalLimit(), task.size(Split.EVAL))));
        // No wall-clock figures in the file (they are printed): the same recipe and thread count give the same
        // bytes, so a rebuilt base can be checked by its SHA-256.
        ArrayNode curve = JSON.createArrayNode();
        for (WarmStartResult.Point p : result.accuracyCurve()) {
            curve.addObject().put("step", p.step()).put("accuracy", p.accuracy());
        }
        meta.put("warmStart.accuracyCurve", JSON.writeValueAsString(curve));
        meta.put("warmStart.finalLoss", Double.toString(result.finalLoss()));
        meta.put("warmStart.skippedSteps", Integer.toString(result.skippedSteps()));
        return meta;
    }

    private SupervisedBatch nextBatch(TrainCursor cursor, int contextLength) {
        long[] indices = cursor.next(config.batchSize());
        List<SupervisedExample> examples = new ArrayList<>(indices.length);
        for (long i : indices) {
            if (pairs != null) {
                PromptCompletionData.Pair pair = pairs.get((int) i);
                SupervisedExample e = pair.example(tokenizer);
                if (e.length() > contextLength) {
                    throw new IllegalArgumentException("model.contextLength = " + contextLength + ": "
                            + PromptCompletionData.KEY + " line " + pair.line() + " needs " + e.length()
                            + " positions (prompt + completion + eos)");
                }
                examples.add(e);
                continue;
            }
            Problem p = task.problem(Split.TRAIN, i);
            SupervisedExample e = SupervisedExample.of(task, p, tokenizer);
            if (e.length() > contextLength) {
                throw new IllegalArgumentException("model.contextLength = " + contextLength
                        + ": train problem " + p.id() + " needs " + e.length()
                        + " positions (prompt + worked solution + eos)");
            }
            examples.add(e);
        }
        return new SupervisedBatch(examples, tokenizer.padId());
    }

    private GreedyEvaluation.Result evaluate(GreedyEvaluation evaluation, Policy policy, NDManager base,
                                             long step, long start, List<WarmStartResult.Point> curve) {
        GreedyEvaluation.Result r = evaluation.evaluate(policy, config.evalLimit(), base);
        curve.add(new WarmStartResult.Point(step, r.accuracy(), seconds(start)));
        return r;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
