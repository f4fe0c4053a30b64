package dev.forkpoint.analytics.store;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.law.EntropyLawFit;
import dev.forkpoint.analytics.law.EntropyPerformanceLaw;
import dev.forkpoint.analytics.law.LawPoint;
import dev.forkpoint.analytics.stats.CovarianceSummary;
import dev.forkpoint.analytics.stats.EntropyAggregates;
import dev.forkpoint.analytics.stats.EntropyHistogram;
import dev.forkpoint.analytics.stats.EntropyPercentiles;
import dev.forkpoint.analytics.stats.GroupMean;
import dev.forkpoint.analytics.stats.TokenCount;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The read side behind the REST endpoints {@code /api/v1/runs/{id}/entropy}, {@code forking-tokens},
 * {@code entropy-law} and {@code samples} (plain JDBC; the controllers live in trainer-service). Step ranges are
 * inclusive; a {@code null} phase means both phases.
 */
public final class EntropyQueries {
    private static final String PHASE_FILTER = " AND (CAST(? AS text) IS NULL OR phase = CAST(? AS text))";

    private final DataSource dataSource;

    public EntropyQueries(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Per-step aggregates of a run with {@code fromStep <= step <= toStep}, by step then phase. */
    public List<StepAggregateRow> stepAggregates(long runId, Phase phase, long fromStep, long toStep)
            throws SQLException {
        checkRange(fromStep, toStep);
        String sql = "SELECT * FROM entropy_step_stats WHERE run_id = ? AND step BETWEEN ? AND ?" + PHASE_FILTER
                + " ORDER BY step, phase";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bindRange(ps, runId, phase, fromStep, toStep);
            List<StepAggregateRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(readAggregate(rs));
                }
            }
            return out;
        }
    }

    /**
     * The K most frequent forking-token strings summed over a step range (count descending, then token). Each step
     * stores only its own top K, so a token's sum is exact for the steps where it made that step's top K and a
     * lower bound otherwise.
     */
    public List<TokenCount> forkingTokens(long runId, Phase phase, long fromStep, long toStep, int k)
            throws SQLException {
        checkRange(fromStep, toStep);
        if (k < 1) {
            throw new IllegalArgumentException("k = " + k + ": must be >= 1");
        }
        String sql = "SELECT token, sum(count) AS total FROM entropy_forking_tokens"
                + " WHERE run_id = ? AND step BETWEEN ? AND ?" + PHASE_FILTER
                + " GROUP BY token ORDER BY total DESC, token LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindRange(ps, runId, phase, fromStep, toStep);
            ps.setInt(i, k);
            List<TokenCount> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TokenCount(rs.getString(1), rs.getLong(2)));
                }
            }
            return out;
        }
    }

    /**
     * The law's points: steps of the run with an accuracy in {@code run_steps} (the evaluated steps) paired with
     * the mean rollout entropy ({@code H_old}, phase ROLLOUT) of that step.
     */
    public List<LawPoint> lawPoints(long runId) throws SQLException {
        String sql = """
                SELECT e.step, e.mean_entropy, r.accuracy
                FROM entropy_step_stats e JOIN run_steps r ON r.run_id = e.run_id AND r.step = e.step
                WHERE e.run_id = ? AND e.phase = 'ROLLOUT' AND e.mean_entropy IS NOT NULL
                  AND r.accuracy IS NOT NULL
                ORDER BY e.step""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, runId);
            List<LawPoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LawPoint(rs.getLong(1), rs.getDouble(2), rs.getDouble(3)));
                }
            }
            return out;
        }
    }

    /**
     * Fits the entropy-performance law on the run's first {@code n} evaluated steps.
     *
     * @throws IllegalArgumentException when there are fewer than 2 points or the entropy is constant
     */
    public EntropyLawFit entropyLaw(long runId, int n) throws SQLException {
        List<LawPoint> points = lawPoints(runId);
        try {
            return EntropyPerformanceLaw.fit(points, n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("run " + runId + ": " + e.getMessage(), e);
        }
    }

    /** Sampled sequences of a step range, ordered by step, phase, sample index, paged by offset and limit. */
    public SamplePage samples(long runId, Phase phase, long fromStep, long toStep, int offset, int limit)
            throws SQLException {
        checkRange(fromStep, toStep);
        if (offset < 0) {
            throw new IllegalArgumentException("offset = " + offset + ": must be >= 0");
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit = " + limit + ": must be in [1, 1000]");
        }
        String where = " FROM entropy_sampled_sequences WHERE run_id = ? AND step BETWEEN ? AND ?" + PHASE_FILTER;
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*)" + where)) {
                bindRange(ps, runId, phase, fromStep, toStep);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<SampledSequenceRow> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, step, phase, sample_index,"
                    + " sequence_index, prompt_id, correct, tokens::text" + where
                    + " ORDER BY step, phase, sample_index OFFSET ? LIMIT ?")) {
                int i = bindRange(ps, runId, phase, fromStep, toStep);
                ps.setInt(i++, offset);
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StepKey key = new StepKey(rs.getLong(1), rs.getLong(2), Phase.valueOf(rs.getString(3)));
                        items.add(new SampledSequenceRow(key, rs.getInt(4),
                                SampleJson.read(rs.getString(8), rs.getInt(5), rs.getString(6), rs.getBoolean(7))));
                    }
                }
            }
            return new SamplePage(total, offset, items);
        }
    }

    private static void checkRange(long fromStep, long toStep) {
        if (fromStep > toStep) {
            throw new IllegalArgumentException("fromStep = " + fromStep + " > toStep = " + toStep);
        }
    }

    private static int bindRange(PreparedStatement ps, long runId, Phase phase, long from, long to)
            throws SQLException {
        ps.setLong(1, runId);
        ps.setLong(2, from);
        ps.setLong(3, to);
        String p = phase == null ? null : phase.name();
        ps.setString(4, p);
        ps.setString(5, p);
        return 6;
    }

    private static StepAggregateRow readAggregate(ResultSet rs) throws SQLException {
        StepKey key = new StepKey(rs.getLong("run_id"), rs.getLong("step"), Phase.valueOf(rs.getString("phase")));
        Double p10 = dbl(rs, "p10");
        EntropyPercentiles pct = p10 == null ? null : new EntropyPercentiles(p10, dbl(rs, "p50"), dbl(rs, "p80"),
                dbl(rs, "p90"), dbl(rs, "p95"), dbl(rs, "p99"));
        Double share01 = dbl(rs, "share_above_0_1");
        List<Double> shares = share01 == null ? null : List.of(share01, dbl(rs, "share_above_0_5"),
                dbl(rs, "share_above_1_0"), dbl(rs, "share_above_2_0"));
        EntropyHistogram hist = new EntropyHistogram(rs.getLong("hist_underflow"),
                Arrays.asList(longs(rs.getArray("hist_counts"))), rs.getLong("hist_overflow"));
        CovarianceSummary cov = null;
        long covCount = rs.getLong("cov_count");
        if (!rs.wasNull()) {
            Double top = dbl(rs, "cov_top_0_02pct");
            cov = new CovarianceSummary(covCount, rs.getLong("cov_non_finite"), dbl(rs, "cov_mean"),
                    top == null ? null : List.of(top, dbl(rs, "cov_top_0_2pct"), dbl(rs, "cov_top_2pct"),
                            dbl(rs, "cov_top_20pct")));
        }
        EntropyAggregates a = new EntropyAggregates(rs.getLong("token_count"), rs.getLong("non_finite_count"),
                rs.getInt("sequence_count"), dbl(rs, "mean_entropy"), dbl(rs, "std_entropy"), pct, hist,
                dbl(rs, "forking_threshold"), rs.getLong("forking_token_count"), shares, rs.getInt("window_size"),
                dbl(rs, "window_threshold"), dbl(rs, "window_share"),
                new GroupMean(dbl(rs, "correct_mean"), rs.getLong("correct_tokens"), rs.getInt("correct_sequences")),
                new GroupMean(dbl(rs, "incorrect_mean"), rs.getLong("incorrect_tokens"),
                        rs.getInt("incorrect_sequences")),
                groups(rs, "difficulty_mean", "difficulty_tokens", "difficulty_prompts"),
                groups(rs, "position_mean", "position_tokens", "position_sequences"), cov);
        return new StepAggregateRow(key, rs.getTimestamp("recorded_at").toInstant(), a);
    }

    private static List<GroupMean> groups(ResultSet rs, String mean, String tokens, String members)
            throws SQLException {
        Double[] m = (Double[]) rs.getArray(mean).getArray();
        Long[] t = longs(rs.getArray(tokens));
        Integer[] n = (Integer[]) rs.getArray(members).getArray();
        List<GroupMean> out = new ArrayList<>(m.length);
        for (int i = 0; i < m.length; i++) {
            out.add(new GroupMean(m[i], t[i], n[i]));
        }
        return out;
    }

    private static Long[] longs(Array a) throws SQLException {
        return (Long[]) a.getArray();
    }

    private static Double dbl(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
