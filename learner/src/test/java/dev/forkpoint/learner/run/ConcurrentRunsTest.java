package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two runs trained at once in one process (the service with forkpoint.scheduler.concurrency = 2), one with a warm
 * start: DJL allows one open gradient collector per process, so without taking turns one of them failed with "A
 * PtGradientCollector is already collecting". Each must also give the same steps as when trained alone.
 */
class ConcurrentRunsTest {

    private static RunSpec config(String name, int warmStart) {
        return RunSpec.parse(ConfigDocuments.parseJson("""
                {"name": "%s", "seed": 3, "device": "cpu",
                 "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 48,
                           "warmStart": {"steps": %d, "batchSize": 8}},
                 "task": {"name": "countdown", "numbers": 3}, "sampling": {"maxNewTokens": 10},
                 "training": {"steps": 12, "promptsPerStep": 4, "groupSize": 2, "evalEvery": 0}}"""
                .formatted(name, warmStart)));
    }

    private static List<Double> train(RunSpec config) throws Exception {
        List<Double> losses = new ArrayList<>();
        try (RlRun run = RlRun.open(config)) {
            for (int s = 0; s < config.training().steps(); s++) {
                StepReport r = run.step();
                losses.add(r.metrics().get("actor/pg_loss"));
                losses.add(r.entropy());
            }
        }
        return losses;
    }

    @Test
    void twoRunsTrainSideBySideAsTheyTrainAlone() throws Exception {
        List<Double> aloneA = train(config("a", 20));
        List<Double> aloneB = train(config("b", 0));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Double>> a = pool.submit(() -> train(config("a", 20)));
            Future<List<Double>> b = pool.submit(() -> train(config("b", 0)));
            assertEquals(aloneA, a.get());
            assertEquals(aloneB, b.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
