/**
 * The thin Spring adapter around the plain-Java learner: {@link dev.forkpoint.trainer.engine.DjlTrainingEngine}
 * opens {@link dev.forkpoint.learner.run.RlRun} sessions, the validators check {@code task} and {@code objective}
 * with the task registry and the objective parser, and the preset catalog lists
 * {@link dev.forkpoint.learner.config.ObjectivePreset}. All of them are active unless
 * {@code forkpoint.engine=none} (the service's integration tests use that with their fake engine and task).
 */
package dev.forkpoint.trainer.engine;
