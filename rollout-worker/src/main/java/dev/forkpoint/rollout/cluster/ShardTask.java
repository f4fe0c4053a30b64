package dev.forkpoint.rollout.cluster;

import dev.forkpoint.rollout.sampler.SamplingConfig;
import java.io.Serializable;

/**
 * One shard of a generation batch: whole prompt groups {@code [firstPrompt, firstPrompt + prompts)} of the batch at
 * {@code cursor}, with everything a worker needs to sample exactly the rows the trainer's own sampler would.
 *
 * @param forkpointVersion the trainer's build; a worker of another build refuses the shard
 * @param runId            the run, which names its published weights
 * @param step             training step (for logs)
 * @param genBatch         generation batch within the step (for logs)
 * @param shard            index of the shard within its batch
 * @param weights          the policy version to sample from
 * @param taskJson         the task config, as the task registry parses it
 * @param device           {@code auto}, {@code cpu} or {@code gpu}, as the worker resolves it
 * @param cursor           train problem of the batch's first prompt
 * @param firstPrompt      first prompt group of the shard within the batch
 * @param prompts          prompt groups in the shard
 * @param groupSize        responses per prompt
 * @param promptWidth      the whole batch's longest prompt: every shard pads to it
 * @param sampling         the batch's sampling settings and seed
 * @param temperature      the step's temperature rule
 */
public record ShardTask(String forkpointVersion, String runId, int step, int genBatch, int shard,
                        WeightManifest weights, String taskJson, String device, long cursor, int firstPrompt,
                        int prompts, int groupSize, int promptWidth, SamplingConfig sampling,
                        TemperatureSpec temperature) implements Serializable {

    public String describe() {
        return "run " + runId + " step " + step + " batch " + genBatch + " shard " + shard + " (prompts "
                + firstPrompt + ".." + (firstPrompt + prompts - 1) + ", weights v" + weights.version() + ")";
    }
}
