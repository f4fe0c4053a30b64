package dev.forkpoint.learner.cli;

import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.store.EntropyStatsWriter;
import dev.forkpoint.analytics.store.SampleRetention;
import dev.forkpoint.analytics.store.StoringEntropySink;
import dev.forkpoint.analytics.stream.EntropyStream;
import dev.forkpoint.learner.run.CheckpointKeeping;
import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.RlStep;
import dev.forkpoint.learner.run.StepObserver;
import dev.forkpoint.trainer.analytics.EntropyStepObserver;
import dev.forkpoint.trainer.runs.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one run from a YAML or JSON run config without the web server or a database (plain main, no Spring):
 * prints one progress line per step (see {@link ProgressLine}). Usage:
 *
 * <pre>
 * HeadlessRun run.yaml [--checkpoint-dir DIR] [--resume FILE] [--analytics-jdbc URL [--analytics-run-id N]]
 * </pre>
 *
 * With {@code --analytics-jdbc} (a PostgreSQL URL with {@code user}/{@code password} parameters, migrated by the
 * service) every step's token entropies are stored under run id N (default 0) as the service does; without it the
 * run says that analytics are off.
 *
 * With {@code --checkpoint-dir}, a checkpoint {@code step-NNNNNN.fpckpt} is written every
 * {@code training.checkpointEvery} steps and at the end, keeping the newest {@code training.keepCheckpoints} and the
 * best by eval accuracy as the service does (files left by an earlier process are not touched); {@code --resume}
 * continues from one (same config).
 * Exit status 0 when the run finished, 2 for a bad config or arguments, 1 for a failure during training.
 */
public final class HeadlessRun {

    private HeadlessRun() {
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        Path configFile = null;
        Path checkpointDir = null;
        Path resume = null;
        String analyticsUrl = null;
        long analyticsRunId = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--checkpoint-dir" -> checkpointDir = Path.of(value(args, ++i, "--checkpoint-dir"));
                case "--resume" -> resume = Path.of(value(args, ++i, "--resume"));
                case "--analytics-jdbc" -> analyticsUrl = value(args, ++i, "--analytics-jdbc");
                case "--analytics-run-id" -> {
                    String v = value(args, ++i, "--analytics-run-id");
                    try {
                        analyticsRunId = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        fail("--analytics-run-id = '" + v + "': not an integer");
                    }
                }
                case "-h", "--help" -> {
                    System.out.println("usage: HeadlessRun RUN_CONFIG.yaml|json [--checkpoint-dir DIR] [--resume FILE]"
                + " [--analytics-jdbc URL [--analytics-run-id N]]");
                    return;
                }
                default -> {
                    if (configFile != null || args[i].startsWith("--")) {
                        fail("unexpected argument '" + args[i] + "'");
                    }
                    configFile = Path.of(args[i]);
                }
            }
        }
        if (configFile == null) {
            fail("missing the run config file (YAML or JSON)");
        }
        RunConfig config;
        try {
            config = RunConfigFiles.read(configFile);
        } catch (RuntimeException e) {
            fail(e.getMessage());
            return;
        }
        int exit = train(config, checkpointDir, resume,
                analyticsUrl == null ? null : analytics(analyticsUrl, analyticsRunId));
        System.exit(exit);
    }

    static int train(RunConfig config, Path checkpointDir, Path resume) throws Exception {
        return train(config, checkpointDir, resume, null);
    }

    /** The service's analytics path (summarise, store) on a database given by URL, under {@code runId}. */
    static EntropyStepObserver analytics(String jdbcUrl, long runId) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        return new EntropyStepObserver(runId, new EntropyStream(8, 16, new StoringEntropySink(
                new StepEntropySummarizer(), new EntropyStatsWriter(ds, new SampleRetention(200))), null));
    }

    /** @param analytics where each step's token entropies go; null: analytics are off (said on stdout) */
    static int train(RunConfig config, Path checkpointDir, Path resume, StepObserver analytics) throws Exception {
        int total = config.training().steps();
        try (RlRun run = resume == null ? RlRun.open(config) : RlRun.resume(config, resume)) {
            System.out.printf(Locale.ROOT, "run '%s' on %s: %s, %d steps%n", config.name(), run.device(),
                    config.objective(), total);
            if (analytics == null) {
                System.out.println("entropy analytics: off (no --analytics-jdbc database; the service stores them)");
            } else {
                run.observe(analytics);
                System.out.println("entropy analytics: on");
            }
            if (resume == null && config.training().evalEvery() > 0) {
                System.out.printf(Locale.ROOT, "step 0/%d eval_accuracy %.4f%n", total, run.evaluate().accuracy());
            }
            long start = System.nanoTime();
            int done = 0;
            List<SavedCheckpoint> saved = new ArrayList<>(); // newest first; this process's checkpoints only
            while (!run.finished()) {
                RlStep s = run.step();
                done++;
                long elapsed = System.nanoTime() - start;
                Duration eta = Duration.ofNanos(elapsed / done * (total - s.step()));
                System.out.println(ProgressLine.format(s, total, eta));
                if (checkpointDir != null && (s.step() % config.training().checkpointEvery() == 0 || run.finished())) {
                    Files.createDirectories(checkpointDir);
                    Path file = checkpointDir.resolve(String.format(Locale.ROOT, "step-%06d.fpckpt", s.step()));
                    run.checkpoint(file);
                    System.out.println("checkpoint " + file);
                    saved.add(0, new SavedCheckpoint(file, run.lastEvalAccuracy()));
                    keepCheckpoints(saved, config.training().keepCheckpoints());
                }
            }
            run.flushObserver(); // every statistic written before the run reports success
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        return 0;
    }

    private record SavedCheckpoint(Path file, Double evalAccuracy) {
    }

    /** The service's retention rule: the newest {@code keep} plus the best by eval accuracy; the rest are deleted. */
    private static void keepCheckpoints(List<SavedCheckpoint> newestFirst, int keep) throws IOException {
        Set<SavedCheckpoint> kept = CheckpointKeeping.kept(newestFirst, keep, SavedCheckpoint::evalAccuracy);
        for (SavedCheckpoint c : List.copyOf(newestFirst)) {
            if (!kept.contains(c)) {
                Files.deleteIfExists(c.file());
                newestFirst.remove(c);
                System.out.println("removed checkpoint " + c.file() + " (keepCheckpoints " + keep + " + best)");
            }
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.err.println("usage: HeadlessRun RUN_CONFIG.yaml|json [--checkpoint-dir DIR] [--resume FILE]"
                + " [--analytics-jdbc URL [--analytics-run-id N]]");
        System.exit(2);
    }

    /** Without Spring Boot's logging set-up logback prints DEBUG from every library; keep INFO. */
    public static void quietLogging() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
