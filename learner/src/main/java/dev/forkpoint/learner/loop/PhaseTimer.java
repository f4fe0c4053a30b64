package dev.forkpoint.learner.loop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time of the phases of one mini-batch update, reported as {@code timing/update_<phase>_s} so a slow
 * update shows where its time goes (the PyTorch CPU engine runs eagerly, so a phase's time is its own).
 */
final class PhaseTimer {

    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long last = System.nanoTime();

    void lap(String phase) {
        long now = System.nanoTime();
        seconds.merge("timing/update_" + phase + "_s", (now - last) / 1e9, Double::sum);
        last = now;
    }

    Map<String, Double> seconds() {
        return seconds;
    }
}
