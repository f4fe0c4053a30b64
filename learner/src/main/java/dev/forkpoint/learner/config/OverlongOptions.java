package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/** DAPO overlong reward shaping (docs/algorithms.md section 2). */
public record OverlongOptions(Integer maxResponseLength, Integer overlongBuffer, double penaltyFactor) {

    private static final String SOURCE = "DAPO (Yu et al.)";

    static final Field<OverlongOptions, Integer> MAX_RESPONSE_LENGTH = Field.integer("maxResponseLength",
                    OverlongOptions::maxResponseLength)
            .nullable("the sampler's sampling.maxNewTokens").min(1).source(SOURCE)
            .help("Lmax: responses of this length get the full penalty.");
    static final Field<OverlongOptions, Integer> OVERLONG_BUFFER = Field.integer("overlongBuffer",
                    OverlongOptions::overlongBuffer)
            .nullable("Lmax / 5 (DAPO's recipe: 4096 of 20480)").min(1).source(SOURCE)
            .help("Lbuf: the soft-penalty zone before Lmax.");
    static final Field<OverlongOptions, Double> PENALTY_FACTOR = Field.number("penaltyFactor",
                    OverlongOptions::penaltyFactor)
            .defaultValue(1.0).min(0).source(SOURCE)
            .help("Penalty at Lmax; it grows linearly over the buffer.");

    public static final Section<OverlongOptions> PART = Section.<OverlongOptions>optional("overlong")
            .fields(MAX_RESPONSE_LENGTH, OVERLONG_BUFFER, PENALTY_FACTOR)
            .factory(v -> new OverlongOptions(v.get(MAX_RESPONSE_LENGTH), v.get(OVERLONG_BUFFER), v.get(PENALTY_FACTOR)))
            .rule((o, path, errors) -> {
                if (o.maxResponseLength() != null && o.overlongBuffer() != null
                        && o.overlongBuffer() > o.maxResponseLength()) {
                    errors.add(path + ".overlongBuffer", path + ".overlongBuffer = " + o.overlongBuffer()
                            + ": must not exceed " + path + ".maxResponseLength = " + o.maxResponseLength());
                }
            })
            .source(SOURCE)
            .help("DAPO's soft penalty for responses that run into the length limit (section 2).");

    /** Lmax: the configured value, else the sampler's {@code maxNewTokens}. */
    public int resolvedMaxLength(int maxNewTokens) {
        return maxResponseLength != null ? maxResponseLength : maxNewTokens;
    }

    /** Lbuf for the resolved {@code maxLength}: the configured value, else maxLength / 5 (at least 1). */
    public int resolvedBuffer(int maxLength) {
        return overlongBuffer != null ? overlongBuffer : Math.max(1, maxLength / 5);
    }
}
