package dev.forkpoint.learner.run;

import java.time.Duration;
import java.util.Locale;

/**
 * The one line per step that the service log and {@code forkpoint train} print alike: step, reward, accuracy,
 * entropy, KL, clip fraction, tokens/s, ETA (from the mean wall time of the steps run so far in this process), and
 * the evaluation accuracy when the step evaluated, and the process's peak resident memory so far (Linux), since the
 * memory a model needs is the first thing a user of a real-sized model must know.
 */
public final class ProgressLine {

    private ProgressLine() {
    }

    public static String format(StepReport s, int totalSteps, Duration eta) {
        String line = String.format(Locale.ROOT,
                "step %d/%d reward %.4f accuracy %.4f entropy %.4f kl %.6f clipfrac %.4f tokens/s %.0f eta %s",
                s.step(), totalSteps, s.reward(), s.accuracy(), s.entropy(), s.kl(), s.clipfrac(), s.tokensPerSecond(),
                hms(eta));
        if (s.evalAccuracy() != null) {
            line += String.format(Locale.ROOT, " eval_accuracy %.4f", s.evalAccuracy());
        }
        long peak = peakResidentKib();
        return peak < 0 ? line : line + String.format(Locale.ROOT, " peak_rss %.2fGiB", peak / (1024.0 * 1024.0));
    }

    /** VmHWM of /proc/self/status in KiB, or -1 where there is no such file. */
    static long peakResidentKib() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the line goes without it
        }
        return -1;
    }

    static String hms(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
