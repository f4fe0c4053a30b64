package dev.forkpoint.learner.warmstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.countdown.CountdownConfig;
import dev.forkpoint.rollout.task.countdown.CountdownTask;
import dev.forkpoint.rollout.testing.GcChurn;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The transformer's forward and the supervised loss keep alive everything their backward reads: a garbage
 * collection with fresh NaN-filled native memory between forward and backward leaves every parameter gradient
 * exactly as without it. Before {@code AutogradScalar}, the attention scale and the loss's division by the target
 * count were DJL Number-overload scalars released right after the forward, and this test got NaN/Inf gradients
 * (the "rare NaN gradient norm" of long runs).
 */
class BackwardAfterGcTest {

    @Test
    void gradientsAreTheSameWhenTheGarbageCollectorRunsBetweenForwardAndBackward() {
        BuiltinTokenizer tok = new BuiltinTokenizer();
        CountdownTask task = new CountdownTask(CountdownConfig.defaults());
        List<SupervisedExample> examples = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            examples.add(SupervisedExample.of(task, task.problem(Split.TRAIN, i), tok));
        }
        SupervisedBatch batch = new SupervisedBatch(examples, tok.padId());
        try (DecoderTransformer model = DecoderTransformer.initialize(new ModelConfig(tok.vocabSize(), 2, 2, 32, 32, 4),
                3, Device.cpu());
             NDManager base = NDManager.newBaseManager()) {
            Map<String, float[]> clean = gradients(model, batch, base, false);
            for (int round = 0; round < 3; round++) {
                Map<String, float[]> churned = gradients(model, batch, base, true);
                for (Map.Entry<String, float[]> e : clean.entrySet()) {
                    assertArrayEquals(e.getValue(), churned.get(e.getKey()), 1e-6f,
                            "gradient of " + e.getKey() + " after a GC between forward and backward, round " + round);
                }
            }
            assertTrue(clean.values().stream().anyMatch(g -> {
                for (float v : g) {
                    if (v != 0f) {
                        return true;
                    }
                }
                return false;
            }), "the gradient is not all zero");
        }
    }

    private static Map<String, float[]> gradients(DecoderTransformer model, SupervisedBatch batch, NDManager base,
                                                  boolean churn) {
        AdamW.zeroGradients(model.parameters());
        try (NDManager sub = base.newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray loss = batch.loss(model, sub);
            if (churn) {
                GcChurn.freeAndOverwrite();
            }
            collector.backward(loss);
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                out.put(e.getKey(), g.toFloatArray());
            }
        }
        return out;
    }
}
