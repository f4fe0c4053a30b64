package dev.forkpoint.learner.cli;

import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.store.EntropyStatsWriter;
import dev.forkpoint.analytics.store.SampleRetention;
import dev.forkpoint.analytics.store.StoringEntropySink;
import dev.forkpoint.analytics.stream.EntropyStream;
import dev.forkpoint.learner.analytics.EntropyStepObserver;
import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.FieldError;
import dev.forkpoint.learner.config.InvalidConfigException;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.CheckpointDirectory;
import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.RunDriver;
import dev.forkpoint.learner.run.StepObserver;
import dev.forkpoint.learner.run.StepRecord;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.rollout.device.DeviceSelection;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code forkpoint train}: one run from a run config file, without the service or a database, through the same
 * {@link RunSpec} parsing and the same {@link RunDriver} loop as the service.
 */
public final class TrainCommand implements Command {

    static final String USAGE = """
            usage: forkpoint train CONFIG [--set KEY=VALUE]... [--checkpoint-dir DIR [--resume]] [--metrics-out FILE]
                                          [--budget steps:N] [--threads N]
                                          [--analytics-jdbc URL [--analytics-run-id N]] [--print-config]

            Trains one run headless: the same run config as POST /api/v1/runs (YAML or JSON), the same loop and the
            same progress line per step as the service. docs/config-reference.md lists every key.

              CONFIG                 run config file, .yaml/.yml or .json
              --set KEY=VALUE        override one config field (repeatable), e.g. --set training.steps=5
                                     --set objective.preset=DAPO --set objective.forking.rho=0.3; the value is
                                     read as YAML (5, 0.28, true, null, {} mean what they look like)
              --checkpoint-dir DIR   write step-NNNNNN.fpckpt every training.checkpointEvery steps and at the end,
                                     keeping the newest training.keepCheckpoints and the best by eval accuracy
              --resume               continue from the latest checkpoint in --checkpoint-dir (same config and
                                     seed give the same steps as an uninterrupted run); starts fresh when there
                                     is none
              --metrics-out FILE     one JSON object per step, with the keys of GET /api/v1/runs/{id}/metrics
                                     (step, reward, accuracy, ..., metrics); a resume keeps the lines up to its
                                     checkpoint and appends
              --budget steps:N       stop after N completed steps (checkpointed when --checkpoint-dir is set); the
                                     learning-rate schedule still spans training.steps, so the first N steps are
                                     those of the full run
              --threads N            torch intra-op threads (default: the machine's cores). A run is repeatable
                                     bit for bit at the same thread count; another count changes the last bits
                                     of reductions, and the runs drift apart from the first step
              --analytics-jdbc URL   store every step's token entropies in this PostgreSQL database (migrated by
                                     the service; user and password as URL parameters), as the service does
              --analytics-run-id N   run id to store them under (default 0)
              --print-config         print the canonical config (every key, defaults filled in) and exit

            Exit status: 0 done (or budget reached), 2 bad arguments or config, 1 failed while training.
            """;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train one run from a config file, headless (no service, no database)";
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        CommandLine line;
        RunSpec spec;
        Path checkpointDir;
        Optional<Path> resume = Optional.empty();
        int budget;
        try {
            line = CommandLine.parse(args,
                    Set.of("set", "checkpoint-dir", "metrics-out", "budget", "threads", "analytics-jdbc",
                            "analytics-run-id"),
                    Set.of("resume", "print-config"), Set.of("set"));
            if (line.help()) {
                out.print(USAGE);
                return EXIT_OK;
            }
            if (line.positional().size() != 1) {
                throw new CommandLine.UsageException(line.positional().isEmpty() ? "missing the run config file"
                        : "one run config file expected, got " + line.positional());
            }
            spec = readSpec(Path.of(line.positional().get(0)), line.all("set"));
            if (line.has("print-config")) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(spec.toDocument()));
                return EXIT_OK;
            }
            checkpointDir = line.has("checkpoint-dir") ? Path.of(line.get("checkpoint-dir", null)) : null;
            if (line.has("resume")) {
                if (checkpointDir == null) {
                    throw new CommandLine.UsageException("--resume needs --checkpoint-dir (where to find the latest "
                            + "checkpoint)");
                }
                resume = CheckpointDirectory.latest(checkpointDir);
                if (resume.isEmpty()) {
                    out.println("no checkpoint in " + checkpointDir + ": starting fresh");
                }
            }
            budget = budget(line.get("budget", null));
            if (line.has("threads")) {
                // before the engine starts, which is below (the run opens its device)
                int threads = line.intValue("threads", 0);
                try {
                    DeviceSelection.pinTorchThreads(threads);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.UsageException(e.getMessage());
                }
            }
        } catch (CommandLine.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: forkpoint train CONFIG [flags]; forkpoint train --help");
            return EXIT_USAGE;
        } catch (InvalidConfigException e) {
            for (FieldError error : e.errors()) {
                err.println("error: " + error.message());
            }
            return EXIT_USAGE;
        }
        StepObserver analytics = line.has("analytics-jdbc")
                ? analytics(line.get("analytics-jdbc", null), line.longValue("analytics-run-id", 0)) : null;
        Path metricsOut = line.has("metrics-out") ? Path.of(line.get("metrics-out", null)) : null;
        try {
            return train(spec, checkpointDir, resume, metricsOut, budget, analytics, out);
        } catch (InvalidConfigException e) {
            // A config that parses but cannot open (a base checkpoint of another shape, a resume with another seed).
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    /** The run config of {@code file} with the {@code --set} overrides applied, parsed as the service parses it. */
    static RunSpec readSpec(Path file, List<String> overrides) {
        Map<String, Object> document = ConfigDocuments.read(file);
        for (String assignment : overrides) {
            ConfigDocuments.set(document, assignment);
        }
        return RunSpec.parse(document);
    }

    static int budget(String text) {
        if (text == null) {
            return Integer.MAX_VALUE;
        }
        if (!text.startsWith("steps:")) {
            throw new CommandLine.UsageException("--budget " + text + ": expected steps:N");
        }
        try {
            int n = Integer.parseInt(text.substring("steps:".length()).trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandLine.UsageException("--budget " + text + ": N must be a positive integer");
        }
    }

    /** The service's analytics path (summarise, store) on a database given by URL, under {@code runId}. */
    static EntropyStepObserver analytics(String jdbcUrl, long runId) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        return new EntropyStepObserver(runId, new EntropyStream(8, 16, new StoringEntropySink(
                new StepEntropySummarizer(), new EntropyStatsWriter(ds, new SampleRetention(200))), null));
    }

    static int train(RunSpec spec, Path checkpointDir, Optional<Path> resume, Path metricsOut, int budget,
                     StepObserver analytics, PrintStream out) throws Exception {
        int total = spec.training().steps();
        try (RlRun run = resume.isPresent() ? RlRun.resume(spec, resume.get()) : RlRun.open(spec)) {
            out.printf(Locale.ROOT, "run '%s' on %s: objective %s, task %s, %d steps%s%n", spec.name(), run.device(),
                    spec.objective().preset() == null ? "(no preset)" : spec.objective().preset(), spec.task().name(),
                    total, resume.map(p -> ", resumed from " + p + " at step " + run.completedSteps()).orElse(""));
            if (analytics == null) {
                out.println("entropy analytics: off (no --analytics-jdbc database; the service stores them)");
            } else {
                run.observe(analytics);
                out.println("entropy analytics: on");
            }
            if (resume.isEmpty() && spec.training().evalEvery() > 0) {
                out.printf(Locale.ROOT, "step 0/%d eval_accuracy %.4f%n", total, run.evaluate().accuracy());
            }
            try (MetricsFile metrics = metricsOut == null ? null : MetricsFile.open(metricsOut, run.completedSteps())) {
                CheckpointDirectory store = checkpointDir == null ? null
                        : new CheckpointDirectory(checkpointDir, spec.training().keepCheckpoints(), out::println);
                RunDriver.Result result = new RunDriver(run, spec.training().checkpointEvery(), store,
                        new RunDriver.Listener() {
                            @Override
                            public void stepCompleted(StepReport report, String progressLine) throws IOException {
                                out.println(progressLine);
                                if (metrics != null) {
                                    metrics.write(StepRecord.of(report, Instant.now()));
                                }
                            }

                            @Override
                            public void note(int step, String note) {
                                out.println("note: " + note);
                            }
                        }).stopAfter(budget).run();
                if (result.outcome() == RunDriver.Outcome.BUDGET_REACHED) {
                    out.println("budget reached at step " + result.step() + " of " + total
                            + (checkpointDir == null ? "" : "; continue with --resume"));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("config", e.getMessage());
        }
        return EXIT_OK;
    }

    /** {@code --metrics-out}: JSON lines; a resume keeps the lines of the steps its checkpoint holds. */
    private static final class MetricsFile implements AutoCloseable {
        private final BufferedWriter writer;

        private MetricsFile(BufferedWriter writer) {
            this.writer = writer;
        }

        static MetricsFile open(Path file, int keepThroughStep) throws IOException {
            List<String> kept = new ArrayList<>();
            if (keepThroughStep > 0 && Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode step = l.isBlank() ? null : JSON.readTree(l).get("step");
                    if (step != null && step.asInt() <= keepThroughStep) {
                        kept.add(l);
                    }
                }
            }
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            for (String l : kept) {
                w.write(l);
                w.newLine();
            }
            w.flush();
            return new MetricsFile(w);
        }

        void write(StepRecord record) throws IOException {
            writer.write(JSON.writeValueAsString(record));
            writer.newLine();
            writer.flush(); // a killed run keeps every completed step
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }
}
