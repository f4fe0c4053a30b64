package dev.forkpoint.trainer.scheduling;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forkpoint.recovery.*}: what happens to a run found RUNNING that no live process trains (the
 * service was killed). With a checkpoint it always resumes from the latest one.
 *
 * @param withoutCheckpoint {@code restart} (from step 0; the default) or {@code fail} (FAILED with the
 *                          reason recorded) when the orphaned run has no checkpoint
 */
@ConfigurationProperties("forkpoint.recovery")
public record RecoveryProperties(WithoutCheckpoint withoutCheckpoint) {

    public enum WithoutCheckpoint { RESTART, FAIL }

    public RecoveryProperties {
        withoutCheckpoint = withoutCheckpoint == null ? WithoutCheckpoint.RESTART : withoutCheckpoint;
    }
}
