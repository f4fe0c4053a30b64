/**
 * The thin Spring adapter around the plain-Java learner: {@link dev.forkpoint.trainer.engine.DjlTrainingEngine}
 * opens {@link dev.forkpoint.learner.run.RlRun} sessions for the scheduler. Active unless
 * {@code forkpoint.engine=none} (the service's integration tests use that with their fake engine and task).
 */
package dev.forkpoint.trainer.engine;
