package dev.forkpoint.learner.cli;

import ai.djl.Device;
import dev.forkpoint.rollout.device.DeviceSelection;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.task.TaskConfig;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import dev.forkpoint.learner.warmstart.WarmStart;
import dev.forkpoint.learner.warmstart.WarmStartConfig;
import dev.forkpoint.learner.warmstart.WarmStartResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code forkpoint warm-start}: trains the built-in policy on a task's worked solutions and writes a base checkpoint
 * that runs start from with {@code model.checkpoint} (docs/warm-start.md). All flags are {@code --name value}; any
 * flag that is not one of the recipe's is a field of the task config.
 */
public final class WarmStartCommand implements Command {

    /** The recipe's defaults, shown in the usage text. */
    private static final WarmStartConfig DEFAULTS = WarmStartConfig.defaults(
            dev.forkpoint.rollout.task.countdown.CountdownConfig.defaults(),
            new ModelConfig(new BuiltinTokenizer().vocabSize(), 4, 4, 128, 64, 4));

    static final String USAGE = String.format(Locale.ROOT, """
            usage: forkpoint warm-start --out FILE [--task NAME] [TASK FLAGS] [RECIPE FLAGS]

            Supervised fine-tuning of the built-in model on a task's worked solutions; writes a base checkpoint
            for model.checkpoint (docs/warm-start.md). Prints progress and greedy held-out accuracy.

              --out FILE             checkpoint to write (required); written atomically
              --task NAME            task (default countdown); every other --key value is a task config field,
                                     e.g. --numbers 3 --maxNumber 20 --maxTarget 100 --evalSize 256;
                                     --seed-task N sets the task's seed (its train/eval split)
              --steps N              supervised steps (default %d)
              --batch N              sequences per step (default %d)
              --lr X                 peak AdamW learning rate (default %s)
              --warmup N             linear warm-up steps (default %d)
              --weight-decay X       AdamW weight decay (default %s)
              --grad-clip X          global gradient-norm clip (default %s)
              --seed N               model initialisation and data order (default %d)
              --minutes M            wall-clock budget, 0 = none (default 0)
              --eval-every N         greedy evaluation every N steps, 0 = only at start and end (default %d)
              --eval-limit N         held-out problems per evaluation (default: all of the task's)
              --max-new-tokens N     longest generated answer (default %d)
              --train-pool N         distinct train problems cycled through, 0 = all (default 0)
              --data FILE            JSONL prompt/completion pairs to train on instead of the worked solutions
              --layers N --heads N --d-model N --context N --mlp-ratio N
                                     model shape (default 4, 4, 128, 64, 4)
              --device auto|cpu|gpu  (default cpu)
              --threads N            PyTorch intra-op threads (default: one per core); 1 on a machine whose
                                     cores are busy with other work (docs/warm-start.md)
            """, DEFAULTS.steps(), DEFAULTS.batchSize(), DEFAULTS.learningRate(), DEFAULTS.warmupSteps(),
            DEFAULTS.weightDecay(), DEFAULTS.maxGradNorm(), DEFAULTS.seed(), DEFAULTS.evalEvery(),
            DEFAULTS.maxNewTokens());

    @Override
    public String name() {
        return "warm-start";
    }

    @Override
    public String summary() {
        return "train a base checkpoint on a task's worked solutions (supervised)";
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return EXIT_OK;
            }
        }
        try {
            train(args, out);
            return EXIT_OK;
        } catch (CommandLine.UsageException | dev.forkpoint.rollout.task.TaskConfigException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: forkpoint warm-start --out FILE [--task NAME] [flags]; forkpoint warm-start --help");
            return EXIT_USAGE;
        }
    }

    static void train(String[] args, PrintStream out) throws Exception {
        Map<String, String> flags = parse(args);
        String outFile = flags.remove("out");
        if (outFile == null) {
            throw new CommandLine.UsageException("--out: required (path of the checkpoint to write)");
        }
        Map<String, Object> taskMap = new LinkedHashMap<>();
        taskMap.put("name", flags.getOrDefault("task", "countdown"));
        flags.remove("task");
        String taskSeed = flags.remove("seed-task");
        if (taskSeed != null) {
            taskMap.put("seed", Long.parseLong(taskSeed));
        }
        BuiltinTokenizer tokenizer = new BuiltinTokenizer();
        ModelConfig model = new ModelConfig(tokenizer.vocabSize(), intFlag(flags, "layers", 4), intFlag(flags, "heads", 4),
                intFlag(flags, "d-model", 128), intFlag(flags, "context", 64), intFlag(flags, "mlp-ratio", 4));
        String device = flags.getOrDefault("device", "cpu");
        flags.remove("device");
        if (flags.containsKey("threads")) {
            // before the engine starts, which happens below (DeviceSelection)
            int threads = intFlag(flags, "threads", 0);
            try {
                DeviceSelection.pinTorchThreads(threads);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException(e.getMessage());
            }
        }
        Map<String, String> recipeFlags = new LinkedHashMap<>();
        for (String k : new String[] {"steps", "batch", "lr", "warmup", "weight-decay", "grad-clip", "seed", "minutes",
                "eval-every", "eval-limit", "max-new-tokens", "train-pool", "data"}) {
            if (flags.containsKey(k)) {
                recipeFlags.put(k, flags.remove(k));
            }
        }
        // What is left belongs to the task config; Tasks.parse rejects unknown keys by name.
        flags.forEach((k, v) -> taskMap.put(k, value(v)));
        TaskConfig task = Tasks.parse(taskMap);
        WarmStartConfig d = WarmStartConfig.defaults(task, model);
        WarmStartConfig config = new WarmStartConfig(task, model,
                longFlag(recipeFlags, "seed", d.seed()), intFlag(recipeFlags, "steps", d.steps()),
                intFlag(recipeFlags, "batch", d.batchSize()), doubleFlag(recipeFlags, "lr", d.learningRate()),
                intFlag(recipeFlags, "warmup", d.warmupSteps()),
                doubleFlag(recipeFlags, "weight-decay", d.weightDecay()),
                doubleFlag(recipeFlags, "grad-clip", d.maxGradNorm()),
                intFlag(recipeFlags, "eval-every", d.evalEvery()), intFlag(recipeFlags, "eval-limit", d.evalLimit()),
                intFlag(recipeFlags, "max-new-tokens", d.maxNewTokens()),
                longFlag(recipeFlags, "train-pool", d.trainPool()), doubleFlag(recipeFlags, "minutes", d.minutes()),
                recipeFlags.containsKey("data") ? Path.of(recipeFlags.get("data")) : null);

        Device dev = DeviceSelection.resolve(device);
        out.println("warm start: " + config);
        out.println("device " + dev + ", " + Runtime.getRuntime().availableProcessors() + " cores, torch threads "
                + ai.djl.pytorch.jni.JniUtils.getNumThreads());
        WarmStart warmStart = new WarmStart(config, tokenizer);
        Path path = Path.of(outFile);
        WarmStartResult result = warmStart.run(dev, path, p -> {
            out.println(p.line());
            p.evalSamples().forEach(s -> out.println("    " + s));
        });
        out.printf(Locale.ROOT, "done: %d steps%s, eval accuracy %.3f, train %.1f s, total %.1f s"
                        + " (%.2f min), %.0f tokens/s, %d updates skipped (non-finite)%n", result.steps(),
                result.stoppedByBudget() ? " (time budget reached)" : "", result.evalAccuracy(), result.trainSeconds(),
                result.totalSeconds(), result.totalSeconds() / 60, result.tokensPerSecond(), result.skippedSteps());
        StringBuilder curve = new StringBuilder("accuracy curve:");
        result.accuracyCurve().forEach(pt -> curve.append(String.format(Locale.ROOT, " %d:%.3f", pt.step(), pt.accuracy())));
        out.println(curve);
        out.println("checkpoint " + path.toAbsolutePath() + " (" + Files.size(path) + " bytes)");
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || args[i].length() < 3) {
                throw new CommandLine.UsageException("argument " + (i + 1) + " '" + args[i] + "': expected --name value");
            }
            if (i + 1 >= args.length) {
                throw new CommandLine.UsageException(args[i] + ": missing value");
            }
            if (flags.put(args[i].substring(2), args[i + 1]) != null) {
                throw new CommandLine.UsageException(args[i] + ": given twice");
            }
        }
        return flags;
    }

    private static Object value(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static int intFlag(Map<String, String> f, String name, int d) {
        return flag(f, name, d, Integer::parseInt, "an integer");
    }

    private static long longFlag(Map<String, String> f, String name, long d) {
        return flag(f, name, d, Long::parseLong, "an integer");
    }

    private static double doubleFlag(Map<String, String> f, String name, double d) {
        return flag(f, name, d, Double::parseDouble, "a number");
    }

    /** Removes flag {@code name} and parses it; absent gives {@code d}, unparsable an error naming the flag. */
    private static <T> T flag(Map<String, String> f, String name, T d, Function<String, T> parse, String kind) {
        String v = f.remove(name);
        try {
            return v == null ? d : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.UsageException("--" + name + " = '" + v + "': must be " + kind);
        }
    }
}
