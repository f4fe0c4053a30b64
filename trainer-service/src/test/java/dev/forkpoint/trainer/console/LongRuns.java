package dev.forkpoint.trainer.console;

import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.store.EntropyStatsWriter;
import dev.forkpoint.analytics.store.SampleRetention;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.trainer.runs.RunRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.springframework.context.ConfigurableApplicationContext;

/** Writes a long synthetic run's steps and rollout entropy statistics, as training would, without training it. */
final class LongRuns {

    private LongRuns() {
    }

    static void record(ConfigurableApplicationContext service, long runId, int steps) throws Exception {
        RunRepository runs = service.getBean(RunRepository.class);
        EntropyStatsWriter writer = new EntropyStatsWriter(service.getBean(DataSource.class), new SampleRetention(4));
        StepEntropySummarizer summarizer = new StepEntropySummarizer();
        Random r = new Random(3);
        for (int step = 1; step <= steps; step++) {
            double h = 0.3 * Math.exp(-step / 400.0) + 0.02;
            Double eval = step % 100 == 0 ? 0.4 + 0.2 * (1 - Math.exp(-step / 500.0)) : null;
            runs.recordStep(runId, new StepReport(step, 0.3 + 0.0001 * step, 0.3 + 0.0001 * step, h, 0.001, 0.01,
                    5000, 512, Duration.ofMillis(800), Duration.ofMillis(900), eval, Map.of("actor/pg_loss", 0.0)));
            List<SequenceEntropies> seqs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int len = 6 + r.nextInt(10);
                float[] e = new float[len];
                int[] ids = new int[len];
                for (int t = 0; t < len; t++) {
                    e[t] = (float) (h * Math.exp(r.nextGaussian()));
                    ids[t] = 10 + r.nextInt(50);
                }
                seqs.add(new SequenceEntropies(e, ids, r.nextBoolean(), "train:" + i, null));
            }
            writer.write(summarizer.summarize(new StepEntropyBatch(new StepKey(runId, step, Phase.ROLLOUT), seqs,
                    id -> "t" + id)));
        }
    }
}
