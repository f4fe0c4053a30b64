package dev.forkpoint.analytics.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.law.EntropyLawFit;
import dev.forkpoint.analytics.stats.EntropyAggregates;
import dev.forkpoint.analytics.stats.StepEntropyStats;
import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.stats.SummaryConfig;
import dev.forkpoint.analytics.stats.TokenCount;
import dev.forkpoint.analytics.stream.EntropyStream;
import dev.forkpoint.analytics.testing.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Storage and read side against a real PostgreSQL migrated by Flyway (V10). Each test uses its own run ids. */
class EntropyStorageTest {
    private static final IntFunction<String> VOCAB = id -> id == 0 ? "\u0000" : "tok" + id;
    private static PostgresTestDatabase db;
    private static PGSimpleDataSource dataSource;
    private final StepEntropySummarizer summarizer = new StepEntropySummarizer(new SummaryConfig(8, 5, 3, 7L));

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.get();
        dataSource = dataSource(null);
    }

    private static PGSimpleDataSource dataSource(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        ds.setUser(db.username());
        ds.setPassword(db.password());
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }

    /** A step of {@code sequences} random responses (seeded), with covariance values. */
    private static StepEntropyBatch batch(long run, long step, Phase phase, int sequences, long seed) {
        Random r = new Random(seed);
        List<SequenceEntropies> seqs = new ArrayList<>();
        for (int i = 0; i < sequences; i++) {
            int len = 1 + r.nextInt(20);
            float[] h = new float[len];
            int[] ids = new int[len];
            float[] cov = new float[len];
            for (int t = 0; t < len; t++) {
                h[t] = (float) (r.nextDouble() < 0.3 ? 0 : Math.exp(r.nextGaussian()));
                ids[t] = r.nextInt(12);
                cov[t] = (float) r.nextGaussian();
            }
            seqs.add(new SequenceEntropies(h, ids, r.nextBoolean(), "p" + (i % 3), cov));
        }
        return new StepEntropyBatch(new StepKey(run, step, phase), seqs, VOCAB);
    }

    private static long count(String table, long run) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + " WHERE run_id = " + run)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aggregatesRoundTripExactly() throws Exception {
        EntropyStatsWriter writer = new EntropyStatsWriter(dataSource, SampleRetention.keepAll());
        StepEntropyStats full = summarizer.summarize(batch(101, 0, Phase.ROLLOUT, 12, 1));
        StepEntropyStats empty = summarizer.summarize(
                new StepEntropyBatch(new StepKey(101, 0, Phase.UPDATE), List.of(), VOCAB));
        writer.write(List.of(full, empty));

        List<StepAggregateRow> rows = new EntropyQueries(dataSource).stepAggregates(101, null, 0, 10);
        assertEquals(2, rows.size());
        assertEquals(full.key(), rows.get(0).key());
        assertEquals(full.aggregates(), rows.get(0).aggregates());
        EntropyAggregates e = rows.get(1).aggregates();
        assertEquals(empty.aggregates(), e);
        assertEquals(0, e.tokenCount());
        assertNull(e.mean()); // stored as SQL NULL, not 0.0
        assertNull(e.percentiles());
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT mean_entropy IS NULL, p80 IS NULL, difficulty_mean[1] IS NULL FROM entropy_step_stats"
                        + " WHERE run_id = 101 AND phase = 'UPDATE'")) {
            rs.next();
            assertTrue(rs.getBoolean(1) && rs.getBoolean(2) && rs.getBoolean(3));
        }
    }

    @Test
    void rewritingAStepReplacesItInsteadOfDoublingIt() throws Exception {
        EntropyStatsWriter writer = new EntropyStatsWriter(dataSource, SampleRetention.keepAll());
        writer.write(summarizer.summarize(batch(102, 5, Phase.ROLLOUT, 10, 2)));
        StepEntropyStats second = summarizer.summarize(batch(102, 5, Phase.ROLLOUT, 4, 3));
        writer.write(second);
        writer.write(second);

        EntropyQueries q = new EntropyQueries(dataSource);
        List<StepAggregateRow> rows = q.stepAggregates(102, Phase.ROLLOUT, 0, 100);
        assertEquals(1, rows.size());
        assertEquals(second.aggregates(), rows.get(0).aggregates());
        assertEquals(second.topForkingTokens().size(), count("entropy_forking_tokens", 102));
        assertEquals(second.topForkingTokens(), q.forkingTokens(102, Phase.ROLLOUT, 5, 5, 100));
        assertEquals(3, count("entropy_sampled_sequences", 102));
        assertEquals(3, q.samples(102, null, 0, 100, 0, 100).total());
    }

    @Test
    void retentionKeepsTheLastNSampledStepsPerRun() throws Exception {
        EntropyStatsWriter writer = new EntropyStatsWriter(dataSource, new SampleRetention(2));
        for (long step : new long[] {1, 2, 3, 5}) {
            writer.write(List.of(summarizer.summarize(batch(103, step, Phase.ROLLOUT, 6, step)),
                    summarizer.summarize(batch(103, step, Phase.UPDATE, 6, step + 100))));
        }
        writer.write(summarizer.summarize(batch(104, 1, Phase.ROLLOUT, 6, 9))); // another run keeps its step 1
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT array_agg(DISTINCT step ORDER BY step) FROM entropy_sampled_sequences WHERE run_id = 103")) {
            rs.next();
            assertEquals(List.of(3L, 5L), List.of((Long[]) rs.getArray(1).getArray()));
        }
        assertEquals(12, count("entropy_sampled_sequences", 103)); // 2 steps x 2 phases x 3 samples
        assertEquals(8, count("entropy_step_stats", 103)); // aggregates are never deleted
        assertEquals(3, count("entropy_sampled_sequences", 104));
    }

    @Test
    void aFailingWriteLeavesNothingBehind() throws Exception {
        EntropyStatsWriter writer = new EntropyStatsWriter(dataSource, SampleRetention.keepAll());
        StepEntropyStats good = summarizer.summarize(batch(105, 20, Phase.ROLLOUT, 5, 4));
        StepEntropyStats bad = new StepEntropyStats(new StepKey(105, 21, Phase.ROLLOUT), good.aggregates(),
                List.of(new TokenCount("x", 0)), List.of()); // violates CHECK (count > 0)
        assertThrows(SQLException.class, () -> writer.write(List.of(good, bad)));
        assertEquals(0, count("entropy_step_stats", 105));
        assertEquals(0, count("entropy_sampled_sequences", 105));
    }

    @Test
    void forkingTokensAreSummedOverARange() throws Exception {
        EntropyStatsWriter writer = new EntropyStatsWriter(dataSource, SampleRetention.keepAll());
        List<StepEntropyStats> steps = new ArrayList<>();
        for (long s = 0; s < 4; s++) {
            steps.add(summarizer.summarize(batch(106, s, Phase.UPDATE, 20, 50 + s)));
        }
        writer.write(steps);
        java.util.Map<String, Long> expected = new java.util.HashMap<>();
        for (StepEntropyStats s : steps.subList(1, 3)) {
            s.topForkingTokens().forEach(t -> expected.merge(t.token().replace('\u0000', '\u2400'), t.count(),
                    Long::sum));
        }
        List<TokenCount> want = expected.entrySet().stream().map(e -> new TokenCount(e.getKey(), e.getValue()))
                .sorted(java.util.Comparator.comparingLong(TokenCount::count).reversed()
                        .thenComparing(TokenCount::token))
                .limit(3).toList();
        assertEquals(want, new EntropyQueries(dataSource).forkingTokens(106, Phase.UPDATE, 1, 2, 3));
        assertEquals(List.of(), new EntropyQueries(dataSource).forkingTokens(106, Phase.ROLLOUT, 0, 9, 3));
    }

    @Test
    void samplesArePagedAndKeepPerTokenEntropies() throws Exception {
        EntropyStatsWriter writer = new EntropyStatsWriter(dataSource, SampleRetention.keepAll());
        List<StepEntropyStats> steps = new ArrayList<>();
        for (long s = 0; s < 3; s++) {
            steps.add(summarizer.summarize(batch(107, s, Phase.ROLLOUT, 10, 70 + s)));
        }
        writer.write(steps);
        EntropyQueries q = new EntropyQueries(dataSource);
        SamplePage first = q.samples(107, Phase.ROLLOUT, 0, 2, 0, 4);
        SamplePage second = q.samples(107, Phase.ROLLOUT, 0, 2, 4, 4);
        SamplePage third = q.samples(107, Phase.ROLLOUT, 0, 2, 8, 4);
        assertEquals(9, first.total());
        assertEquals(List.of(4, 4, 1), List.of(first.items().size(), second.items().size(), third.items().size()));
        SampledSequenceRow row = second.items().get(0); // 5th overall: step 1, slot 1
        assertEquals(new StepKey(107, 1, Phase.ROLLOUT), row.key());
        assertEquals(1, row.sampleIndex());
        var expected = steps.get(1).samples().get(1);
        assertEquals(expected.entropies(), row.sequence().entropies());
        assertEquals(expected.tokenIds(), row.sequence().tokenIds());
        assertEquals(expected.tokens().stream().map(t -> t.replace('\u0000', '\u2400')).toList(),
                row.sequence().tokens());
        assertEquals(expected.promptId(), row.sequence().promptId());
        assertEquals(0, q.samples(107, Phase.UPDATE, 0, 2, 0, 4).total());
        assertThrows(IllegalArgumentException.class, () -> q.samples(107, null, 3, 2, 0, 4));
    }

    @Test
    void entropyLawIsFittedFromRolloutEntropyAndRunStepsAccuracy() throws Exception {
        // run_steps belongs to V1 (another module's migration); a private schema with the documented columns
        // keeps this test independent of it, and search_path resolves run_steps there and V10's tables in public.
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS law_test");
            st.execute("DROP TABLE IF EXISTS law_test.run_steps");
            st.execute("CREATE TABLE law_test.run_steps (run_id BIGINT, step BIGINT, reward DOUBLE PRECISION,"
                    + " accuracy DOUBLE PRECISION, entropy DOUBLE PRECISION, kl DOUBLE PRECISION,"
                    + " clipfrac DOUBLE PRECISION, tokens_per_s DOUBLE PRECISION, metrics JSONB)");
        }
        PGSimpleDataSource lawDs = dataSource("law_test,public");
        EntropyStatsWriter writer = new EntropyStatsWriter(lawDs, SampleRetention.keepAll());
        double a = 0.25;
        double b = 0.95;
        try (Connection c = lawDs.getConnection(); Statement st = c.createStatement()) {
            for (int step = 0; step < 12; step++) {
                float h = (float) (1.0 - 0.07 * step);
                float[] tokens = {h, h, h, h};
                writer.write(List.of(
                        summarizer.summarize(new StepEntropyBatch(new StepKey(108, step, Phase.ROLLOUT),
                                List.of(new SequenceEntropies(tokens, new int[4], true, "p")), VOCAB)),
                        // UPDATE-phase entropies must not enter the law (they are H, not the rollouts' H_old)
                        summarizer.summarize(new StepEntropyBatch(new StepKey(108, step, Phase.UPDATE),
                                List.of(new SequenceEntropies(new float[] {5f}, new int[1], true, "p")), VOCAB))));
                String accuracy = step % 4 == 3 ? "NULL" : Double.toString(-a * Math.exp(h) + b); // unevaluated
                st.execute("INSERT INTO run_steps (run_id, step, accuracy) VALUES (108, " + step + ", " + accuracy
                        + ")");
            }
            st.execute("INSERT INTO run_steps (run_id, step, accuracy) VALUES (109, 0, 0.5)");
        }
        EntropyQueries q = new EntropyQueries(lawDs);
        assertEquals(9, q.lawPoints(108).size());
        EntropyLawFit fit = q.entropyLaw(108, 6);
        assertEquals(a, fit.a(), 1e-9);
        assertEquals(b, fit.b(), 1e-9);
        assertEquals(6, fit.fitPoints());
        assertEquals(3, fit.heldOutPoints());
        assertEquals(6, fit.lastFitStep()); // evaluated steps 0 1 2 4 5 6 | 8 9 10 (3, 7, 11 have no accuracy)
        assertEquals(0, fit.rmseHeldOut(), 1e-9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.entropyLaw(109, 6));
        assertTrue(e.getMessage().startsWith("run 109: points.size() = 0"), e.getMessage());
    }

    @Test
    void streamWithStoringSinkWritesEveryStep() throws Exception {
        EntropyStatsWriter writer = new EntropyStatsWriter(dataSource, new SampleRetention(3));
        try (EntropyStream stream = new EntropyStream(2, 4, new StoringEntropySink(summarizer, writer), null)) {
            for (long s = 0; s < 10; s++) {
                stream.submit(batch(110, s, Phase.ROLLOUT, 8, s));
                stream.submit(batch(110, s, Phase.UPDATE, 8, s + 1000));
            }
        }
        assertEquals(20, count("entropy_step_stats", 110));
        assertEquals(3 * 2 * 3, count("entropy_sampled_sequences", 110)); // last 3 steps, 2 phases, 3 samples
    }
}
