package dev.forkpoint.trainer.runs;

/** Published after a run is queued (created or resumed) so the scheduler polls at once. */
public record RunQueuedEvent(long runId) {
}
