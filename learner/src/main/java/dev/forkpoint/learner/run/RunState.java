package dev.forkpoint.learner.run;

import dev.forkpoint.rollout.entropy.NormalizedEntropy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The non-tensor state of a run stored in a checkpoint's metadata: with the policy and AdamW state it is all a
 * resumed run needs to repeat an uninterrupted one. Doubles are written with {@link Double#toString}, which
 * reads back to the identical value.
 *
 * @param completedSteps steps done
 * @param dataCursor     next train-problem index
 * @param runSeed        the run seed; every random choice derives from it and the step ({@code SeedStreams}),
 *                       so this plus {@code completedSteps} is the whole RNG state
 * @param temperature    the adaptive-temperature statistics the next rollout uses; null when none yet
 * @param lastEvalAccuracy latest held-out accuracy; null when none yet
 */
public record RunState(int completedSteps, long dataCursor, long runSeed, NormalizedEntropy temperature,
                       Double lastEvalAccuracy) {

    static final String FORMAT = "forkpoint-rl-1";

    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("completedSteps", Integer.toString(completedSteps));
        m.put("dataCursor", Long.toString(dataCursor));
        m.put("runSeed", Long.toString(runSeed));
        if (temperature != null) {
            m.put("temperature.pivot", Double.toString(temperature.pivot()));
            m.put("temperature.std", Double.toString(temperature.std()));
            m.put("temperature.scalePos", Double.toString(temperature.scalePos()));
            m.put("temperature.scaleNeg", Double.toString(temperature.scaleNeg()));
        }
        if (lastEvalAccuracy != null) {
            m.put("lastEvalAccuracy", Double.toString(lastEvalAccuracy));
        }
        return m;
    }

    static RunState fromMetadata(Map<String, String> m, String file) {
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException("checkpoint " + file + ": metadata format = '" + m.get("format")
                    + "', expected '" + FORMAT + "' (a base checkpoint goes in model.checkpoint, not in resume)");
        }
        NormalizedEntropy t = m.containsKey("temperature.pivot")
                ? new NormalizedEntropy(d(m, "temperature.pivot"), d(m, "temperature.std"),
                d(m, "temperature.scalePos"), d(m, "temperature.scaleNeg")) : null;
        Double eval = m.containsKey("lastEvalAccuracy") ? d(m, "lastEvalAccuracy") : null;
        return new RunState(Integer.parseInt(m.get("completedSteps")), Long.parseLong(m.get("dataCursor")),
                Long.parseLong(m.get("runSeed")), t, eval);
    }

    private static double d(Map<String, String> m, String key) {
        return Double.parseDouble(m.get(key));
    }
}
