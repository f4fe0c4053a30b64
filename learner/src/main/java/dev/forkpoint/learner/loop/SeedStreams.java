package dev.forkpoint.learner.loop;

import dev.forkpoint.rollout.seed.SeedMixer;

/**
 * Seeds of a run's random choices, each a pure function of the run seed and where it is used (stream, step,
 * epoch, mini-batch). Nothing random carries state from one step to the next, so a resumed run repeats
 * exactly what an uninterrupted one does: its "RNG state" is the run seed plus the step counter.
 */
public final class SeedStreams {

    /** Rollout sampling noise: (step, generation batch). */
    public static final long SAMPLING = 0x73616d706c65L;
    /** Mini-batch shuffling: (step, epoch). */
    public static final long SHUFFLE = 0x73687566666cL;
    /** Objective choices, e.g. Clip-Cov's random pick: (step, epoch * miniBatches + miniBatch). */
    public static final long OBJECTIVE = 0x6f626a656374L;
    /** Evaluation sampling (only used when evaluation samples instead of greedy): (step, 0). */
    public static final long EVALUATION = 0x6576616cL;
    /** Initial values of new parameters, e.g. LoRA adapters: (0, 0). */
    public static final long INIT = 0x696e6974L;
    /** Adapter dropout's masks: an update's (step, epoch * miniBatches + miniBatch), a warm start's (step, -1). */
    public static final long DROPOUT = 0x64726f706f7574L;

    private SeedStreams() {
    }

    /** SplitMix64 finaliser chained over the coordinates: neighbouring indices give unrelated seeds. */
    public static long seed(long runSeed, long stream, long a, long b) {
        return SeedMixer.mix(runSeed, stream, a, b);
    }
}
