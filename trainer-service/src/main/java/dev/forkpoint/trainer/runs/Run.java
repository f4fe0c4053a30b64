package dev.forkpoint.trainer.runs;

import java.time.Instant;

/** One row of {@code runs}, with its config parsed. */
public record Run(long id, String name, RunStatus status, RunConfig config, int priority, int totalSteps,
                  int currentStep, String device, String errorReason, boolean cancelRequested, int attempts,
                  Instant createdAt, Instant startedAt, Instant finishedAt) {
}
