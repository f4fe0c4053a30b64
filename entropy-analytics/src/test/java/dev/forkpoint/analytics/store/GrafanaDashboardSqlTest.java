package dev.forkpoint.analytics.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.stats.SummaryConfig;
import dev.forkpoint.analytics.testing.GrafanaDashboards;
import dev.forkpoint.analytics.testing.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Runs the SQL of every panel and every query variable of every dashboard in {@code grafana/dashboards} against
 * a real PostgreSQL holding a short synthetic run, with Grafana's macros and the dashboard variables substituted;
 * each must parse and return rows. run_steps (V1, another module's) is stood in by a private schema with the
 * documented columns, found first on the search_path.
 */
class GrafanaDashboardSqlTest {
    private static final long RUN = 201;

    @TestFactory
    Stream<DynamicTest> everyPanelQueryParsesAndReturnsRows() throws Exception {
        assertEquals(4, GrafanaDashboards.files().size(), "dashboards in " + GrafanaDashboards.dir());
        PGSimpleDataSource ds = seed();
        return GrafanaDashboards.queries(RUN, 6).stream().map(q -> DynamicTest.dynamicTest(q.name(),
                () -> GrafanaDashboards.assertReturnsRows(ds, q)));
    }

    /**
     * A 12-step synthetic run: analytics rows for both phases, run_steps with accuracy on most steps and the metrics of
     * a cluster run.
     */
    private static PGSimpleDataSource seed() throws Exception {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS grafana_test");
            st.execute("DROP TABLE IF EXISTS grafana_test.run_steps");
            st.execute("CREATE TABLE grafana_test.run_steps (run_id BIGINT, step BIGINT, reward DOUBLE PRECISION,"
                    + " accuracy DOUBLE PRECISION, entropy DOUBLE PRECISION, kl DOUBLE PRECISION,"
                    + " clipfrac DOUBLE PRECISION, tokens_per_s DOUBLE PRECISION, metrics JSONB)");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        ds.setUser(db.username());
        ds.setPassword(db.password());
        ds.setCurrentSchema("grafana_test,public");
        EntropyStatsWriter writer = new EntropyStatsWriter(ds, new SampleRetention(4));
        StepEntropySummarizer summarizer = new StepEntropySummarizer(new SummaryConfig(8, 20, 4, 5L));
        Random r = new Random(17);
        try (Connection c = ds.getConnection(); PreparedStatement ins = c.prepareStatement(
                "INSERT INTO run_steps (run_id, step, reward, accuracy, entropy, kl, clipfrac, tokens_per_s, metrics)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))")) {
            for (int step = 0; step < 12; step++) {
                double scale = 1.0 - 0.06 * step; // entropy falls as the run learns
                List<SequenceEntropies> seqs = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    int len = 4 + r.nextInt(90);
                    float[] h = new float[len];
                    int[] ids = new int[len];
                    float[] cov = new float[len];
                    for (int t = 0; t < len; t++) {
                        h[t] = (float) (scale * Math.exp(r.nextGaussian() - 0.5));
                        ids[t] = r.nextInt(40);
                        cov[t] = (float) r.nextGaussian();
                    }
                    seqs.add(new SequenceEntropies(h, ids, r.nextDouble() < 0.5, "p" + (i / 4), cov));
                }
                for (Phase phase : Phase.values()) {
                    writer.write(summarizer.summarize(new StepEntropyBatch(new StepKey(RUN, step, phase), seqs,
                            id -> "w" + id)));
                }
                double acc = 0.9 - 0.3 * Math.exp(scale) + 0.01 * r.nextGaussian();
                ins.setLong(1, RUN);
                ins.setLong(2, step);
                ins.setDouble(3, acc);
                if (step % 5 == 4) {
                    ins.setNull(4, java.sql.Types.DOUBLE); // not evaluated
                } else {
                    ins.setDouble(4, acc);
                }
                ins.setDouble(5, scale);
                ins.setDouble(6, 0.01 * step);
                ins.setDouble(7, 0.05);
                ins.setDouble(8, 9000);
                // a run with rollout.backend = cluster: the run-overview dashboard's cluster panel reads these
                ins.setString(9, "{\"rollout/workers\": 2, \"rollout/shard_retries\": " + (step == 5 ? 1 : 0)
                        + ", \"rollout/weight_publish_seconds\": 0.04, \"rollout/worker_seconds_max\": 1.2}");
                ins.executeUpdate();
            }
        }
        return ds;
    }
}
