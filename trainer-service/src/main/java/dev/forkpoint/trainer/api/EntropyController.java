package dev.forkpoint.trainer.api;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.law.EntropyLawFit;
import dev.forkpoint.analytics.stats.TokenCount;
import dev.forkpoint.analytics.store.EntropyQueries;
import dev.forkpoint.analytics.store.SamplePage;
import dev.forkpoint.analytics.store.StepAggregateRow;
import dev.forkpoint.trainer.runs.RunService;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The entropy analytics of a run, a thin mapping over {@link EntropyQueries}: 404 for an unknown
 * run, 400 problem+json naming the parameter. Steps are the run's 1-based training steps; {@code phase} is
 * {@code ROLLOUT} (H_old) or {@code UPDATE} (H recomputed in the update), both when absent.
 */
@RestController
@RequestMapping("/api/v1/runs/{id}")
class EntropyController {

    private static final int MAX_PAGE = 1000;
    private final RunService runs;
    private final EntropyQueries queries;

    EntropyController(RunService runs, DataSource dataSource) {
        this.runs = runs;
        this.queries = new EntropyQueries(dataSource);
    }

    /**
     * Per-step aggregates (mean, std, percentiles, histogram, shares, covariance, ...) with from <= step <= to. With
     * {@code maxPoints}, the rows of at most that many steps, evenly spaced from the first to the last (percentiles
     * and histograms do not average, so these are real steps' rows, not means).
     */
    @GetMapping("/entropy")
    List<StepAggregateRow> entropy(@PathVariable long id, @RequestParam(defaultValue = "0") long from,
                                   @RequestParam(defaultValue = "2147483647") long to,
                                   @RequestParam(required = false) Phase phase,
                                   @RequestParam(required = false) Integer maxPoints) throws SQLException {
        range(id, from, to);
        if (maxPoints != null) {
            within("maxPoints", maxPoints, 2, 10_000);
        }
        List<StepAggregateRow> rows = queries.stepAggregates(id, phase, from, to);
        return maxPoints == null ? rows : evenlySpacedSteps(rows, maxPoints);
    }

    /** The rows of {@code maxPoints} steps chosen evenly (first and last included) among the rows' steps. */
    static List<StepAggregateRow> evenlySpacedSteps(List<StepAggregateRow> rows, int maxPoints) {
        long[] steps = rows.stream().mapToLong(r -> r.key().step()).distinct().sorted().toArray();
        if (steps.length <= maxPoints) {
            return rows;
        }
        java.util.Set<Long> chosen = new java.util.HashSet<>();
        for (int k = 0; k < maxPoints; k++) {
            chosen.add(steps[(int) Math.round((double) k * (steps.length - 1) / (maxPoints - 1))]);
        }
        return rows.stream().filter(r -> chosen.contains(r.key().step())).toList();
    }

    /** The {@code k} most frequent forking-token strings (H >= the step's p80) summed over the step range. */
    @GetMapping("/forking-tokens")
    List<TokenCount> forkingTokens(@PathVariable long id, @RequestParam(defaultValue = "0") long from,
                                   @RequestParam(defaultValue = "2147483647") long to,
                                   @RequestParam(required = false) Phase phase,
                                   @RequestParam(defaultValue = "20") int k) throws SQLException {
        range(id, from, to);
        within("k", k, 1, MAX_PAGE);
        return queries.forkingTokens(id, phase, from, to, k);
    }

    /**
     * The entropy-performance law {@code R = -a exp(H) + b} fitted on the first {@code n} steps with an accuracy:
     * a, b, ceiling {@code b - a}, RMSE on the fit and on the later steps.
     */
    @GetMapping("/entropy-law")
    EntropyLawFit entropyLaw(@PathVariable long id, @RequestParam int n) throws SQLException {
        runs.get(id);
        within("n", n, 2, Integer.MAX_VALUE);
        try {
            return queries.entropyLaw(id, n);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("n", "n = " + n + ": " + e.getMessage());
        }
    }

    /** Sampled sequences with their per-token entropies, ordered by step, phase and sample index, paged. */
    @GetMapping("/samples")
    SamplePage samples(@PathVariable long id, @RequestParam(defaultValue = "0") long from,
                       @RequestParam(defaultValue = "2147483647") long to,
                       @RequestParam(required = false) Phase phase,
                       @RequestParam(defaultValue = "0") int offset,
                       @RequestParam(defaultValue = "20") int limit) throws SQLException {
        range(id, from, to);
        within("offset", offset, 0, Integer.MAX_VALUE);
        within("limit", limit, 1, MAX_PAGE);
        return queries.samples(id, phase, from, to, offset, limit);
    }

    /** 404 for an unknown run first, then the step range. */
    private void range(long id, long from, long to) {
        runs.get(id);
        if (from < 0) {
            throw new InvalidParameterException("from", "from = " + from + ": must be >= 0");
        }
        if (to < from) {
            throw new InvalidParameterException("to", "to = " + to + ": must be >= from = " + from);
        }
    }

    private static void within(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidParameterException(name, name + " = " + value + ": must be in [" + min + ", "
                    + (max == Integer.MAX_VALUE ? "2147483647" : max) + "]");
        }
    }
}
