package dev.forkpoint.analytics.store;

import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.stats.CovarianceSummary;
import dev.forkpoint.analytics.stats.EntropyAggregates;
import dev.forkpoint.analytics.stats.EntropyPercentiles;
import dev.forkpoint.analytics.stats.GroupMean;
import dev.forkpoint.analytics.stats.SampledSequence;
import dev.forkpoint.analytics.stats.StepEntropyStats;
import dev.forkpoint.analytics.stats.TokenCount;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes step statistics to the V10 tables with JDBC batches, all steps of one call in one transaction.
 * Idempotent per (run, step, phase): the key's rows in all three tables are deleted, then inserted, so a rewrite
 * of the same step (a retried or resumed step) replaces it instead of doubling forking-token counts or samples.
 * Then the sample retention of every run touched is applied.
 */
public final class EntropyStatsWriter {
    private static final String DELETE_STATS = "DELETE FROM entropy_step_stats WHERE run_id = ? AND step = ? AND phase = ?";
    private static final String DELETE_TOKENS = "DELETE FROM entropy_forking_tokens WHERE run_id = ? AND step = ? AND phase = ?";
    private static final String DELETE_SAMPLES = "DELETE FROM entropy_sampled_sequences WHERE run_id = ? AND step = ? AND phase = ?";
    private static final String INSERT_STATS = """
            INSERT INTO entropy_step_stats (run_id, step, phase, token_count, non_finite_count, sequence_count,
              mean_entropy, std_entropy, p10, p50, p80, p90, p95, p99, forking_threshold, forking_token_count,
              share_above_0_1, share_above_0_5, share_above_1_0, share_above_2_0,
              window_size, window_threshold, window_share,
              correct_mean, correct_tokens, correct_sequences, incorrect_mean, incorrect_tokens, incorrect_sequences,
              difficulty_mean, difficulty_tokens, difficulty_prompts, position_mean, position_tokens, position_sequences,
              hist_underflow, hist_counts, hist_overflow,
              cov_count, cov_non_finite, cov_mean, cov_top_0_02pct, cov_top_0_2pct, cov_top_2pct, cov_top_20pct)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_TOKEN =
            "INSERT INTO entropy_forking_tokens (run_id, step, phase, token, count) VALUES (?, ?, ?, ?, ?)";
    private static final String INSERT_SAMPLE = """
            INSERT INTO entropy_sampled_sequences (run_id, step, phase, sample_index, sequence_index, prompt_id,
              correct, token_count, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))""";
    /** Deletes a run's samples older than its N most recent sampled steps. */
    private static final String RETAIN_SAMPLES = """
            DELETE FROM entropy_sampled_sequences WHERE run_id = ? AND step < (
              SELECT min(step) FROM (SELECT DISTINCT step FROM entropy_sampled_sequences WHERE run_id = ?
                                     ORDER BY step DESC LIMIT ?) AS recent)""";

    private final DataSource dataSource;
    private final SampleRetention retention;

    public EntropyStatsWriter(DataSource dataSource, SampleRetention retention) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    public void write(StepEntropyStats stats) throws SQLException {
        write(List.of(stats));
    }

    /** Writes all steps in one transaction; nothing is written if any part fails. */
    public void write(List<StepEntropyStats> input) throws SQLException {
        // The same key twice in one call: the later one wins, as it would in two calls.
        Map<StepKey, StepEntropyStats> byKey = new LinkedHashMap<>();
        input.forEach(s -> byKey.put(s.key(), s));
        List<StepEntropyStats> steps = List.copyOf(byKey.values());
        if (steps.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (String sql : List.of(DELETE_STATS, DELETE_TOKENS, DELETE_SAMPLES)) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        for (StepEntropyStats s : steps) {
                            bindKey(ps, s.key());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                insertStats(c, steps);
                insertTokens(c, steps);
                insertSamples(c, steps);
                applyRetention(c, steps);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static int bindKey(PreparedStatement ps, StepKey key) throws SQLException {
        ps.setLong(1, key.runId());
        ps.setLong(2, key.step());
        ps.setString(3, key.phase().name());
        return 4;
    }

    private static void insertStats(Connection c, List<StepEntropyStats> steps) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_STATS)) {
            for (StepEntropyStats s : steps) {
                EntropyAggregates a = s.aggregates();
                int i = bindKey(ps, s.key());
                ps.setLong(i++, a.tokenCount());
                ps.setLong(i++, a.nonFiniteCount());
                ps.setInt(i++, a.sequenceCount());
                setDouble(ps, i++, a.mean());
                setDouble(ps, i++, a.std());
                EntropyPercentiles p = a.percentiles();
                setDouble(ps, i++, p == null ? null : p.p10());
                setDouble(ps, i++, p == null ? null : p.p50());
                setDouble(ps, i++, p == null ? null : p.p80());
                setDouble(ps, i++, p == null ? null : p.p90());
                setDouble(ps, i++, p == null ? null : p.p95());
                setDouble(ps, i++, p == null ? null : p.p99());
                setDouble(ps, i++, a.forkingThreshold());
                ps.setLong(i++, a.forkingTokenCount());
                for (int k = 0; k < 4; k++) {
                    setDouble(ps, i++, a.shareAboveLevels() == null ? null : a.shareAboveLevels().get(k));
                }
                ps.setInt(i++, a.windowSize());
                setDouble(ps, i++, a.windowThreshold());
                setDouble(ps, i++, a.windowShare());
                for (GroupMean g : List.of(a.correct(), a.incorrect())) {
                    setDouble(ps, i++, g.mean());
                    ps.setLong(i++, g.tokens());
                    ps.setInt(i++, g.members());
                }
                for (List<GroupMean> groups : List.of(a.byDifficulty(), a.byPosition())) {
                    ps.setArray(i++, c.createArrayOf("float8",
                            groups.stream().map(GroupMean::mean).toArray(Double[]::new)));
                    ps.setArray(i++, c.createArrayOf("int8",
                            groups.stream().map(GroupMean::tokens).toArray(Long[]::new)));
                    ps.setArray(i++, c.createArrayOf("int4",
                            groups.stream().map(GroupMean::members).toArray(Integer[]::new)));
                }
                ps.setLong(i++, a.histogram().underflow());
                ps.setArray(i++, c.createArrayOf("int8", a.histogram().counts().toArray(Long[]::new)));
                ps.setLong(i++, a.histogram().overflow());
                CovarianceSummary cov = a.covariance();
                if (cov == null) {
                    for (int k = 0; k < 7; k++) {
                        ps.setNull(i++, k < 2 ? Types.BIGINT : Types.DOUBLE);
                    }
                } else {
                    ps.setLong(i++, cov.count());
                    ps.setLong(i++, cov.nonFiniteCount());
                    setDouble(ps, i++, cov.mean());
                    for (int k = 0; k < CovarianceSummary.TOP_FRACTIONS.size(); k++) {
                        setDouble(ps, i++, cov.topMeans() == null ? null : cov.topMeans().get(k));
                    }
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertTokens(Connection c, List<StepEntropyStats> steps) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_TOKEN)) {
            for (StepEntropyStats s : steps) {
                for (TokenCount t : s.topForkingTokens()) {
                    int i = bindKey(ps, s.key());
                    ps.setString(i++, TokenText.storable(t.token()));
                    ps.setLong(i, t.count());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void insertSamples(Connection c, List<StepEntropyStats> steps) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_SAMPLE)) {
            for (StepEntropyStats s : steps) {
                int slot = 0;
                for (SampledSequence q : s.samples()) {
                    int i = bindKey(ps, s.key());
                    ps.setInt(i++, slot++);
                    ps.setInt(i++, q.sequenceIndex());
                    ps.setString(i++, q.promptId());
                    ps.setBoolean(i++, q.correct());
                    ps.setInt(i++, q.tokens().size());
                    ps.setString(i, SampleJson.write(q));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void applyRetention(Connection c, List<StepEntropyStats> steps) throws SQLException {
        if (retention.keepLastSteps() == Integer.MAX_VALUE) {
            return;
        }
        TreeSet<Long> runs = new TreeSet<>();
        steps.forEach(s -> runs.add(s.key().runId()));
        try (PreparedStatement ps = c.prepareStatement(RETAIN_SAMPLES)) {
            for (long run : runs) {
                ps.setLong(1, run);
                ps.setLong(2, run);
                ps.setInt(3, retention.keepLastSteps());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }
}
