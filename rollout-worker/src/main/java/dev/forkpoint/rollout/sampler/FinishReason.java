package dev.forkpoint.rollout.sampler;

/** Why a row stopped generating. */
public enum FinishReason {
    /** A stop token (eos or a configured id) was sampled; it is the row's last recorded token. */
    STOP,
    /** {@code maxNewTokens} were generated without a stop token (DAPO's overlong shaping looks at these). */
    LENGTH
}
