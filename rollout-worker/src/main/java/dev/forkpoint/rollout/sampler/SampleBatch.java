package dev.forkpoint.rollout.sampler;

/**
 * What a rollout hands the learner, as plain Java so it can build its own tensors. Row {@code i} holds
 * the generated tokens only (no prompt, no padding); all per-token arrays of a row have the same length,
 * between 1 and {@code maxNewTokens}.
 *
 * @param prompts       the prompts as given (not padded)
 * @param tokens        sampled ids, stop token included when one ended the row
 * @param logProbs      {@code olp}: log-probability at T=1 of the sampled id (not at the sampling
 *                      temperature: nothing corrects for T != 1, as in HAPO's code; docs/algorithms.md section 4)
 * @param entropies     {@code H_old}: full-vocabulary entropy in nats of the T=1 distribution there
 * @param temperatures  the temperature the token was sampled at
 * @param finishReasons why each row ended
 */
public record SampleBatch(int[][] prompts, int[][] tokens, float[][] logProbs, float[][] entropies,
                          float[][] temperatures, FinishReason[] finishReasons) {

    public int size() {
        return tokens.length;
    }

    /** Number of generated tokens over all rows (the response-mask sum). */
    public long generatedTokens() {
        long n = 0;
        for (int[] row : tokens) {
            n += row.length;
        }
        return n;
    }
}
