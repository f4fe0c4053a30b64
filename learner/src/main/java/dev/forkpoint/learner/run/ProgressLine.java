package dev.forkpoint.learner.run;

import java.time.Duration;
import java.util.Locale;

/**
 * The one line per step that the service log and {@code forkpoint train} print alike: step, reward, accuracy,
 * entropy, KL, clip fraction, tokens/s, ETA (from the mean wall time of the steps run so far in this process), and
 * the evaluation accuracy when the step evaluated.
 */
public final class ProgressLine {

    private ProgressLine() {
    }

    public static String format(StepReport s, int totalSteps, Duration eta) {
        String line = String.format(Locale.ROOT,
                "step %d/%d reward %.4f accuracy %.4f entropy %.4f kl %.6f clipfrac %.4f tokens/s %.0f eta %s",
                s.step(), totalSteps, s.reward(), s.accuracy(), s.entropy(), s.kl(), s.clipfrac(), s.tokensPerSecond(),
                hms(eta));
        return s.evalAccuracy() == null ? line : line + String.format(Locale.ROOT, " eval_accuracy %.4f",
                s.evalAccuracy());
    }

    static String hms(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
