package dev.forkpoint.learner.warmstart;

import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.tokenizer.Tokenizer;

/**
 * One SFT sequence {@code prompt + response + eos} as token ids, the prompt encoded as the rollouts encode it
 * ({@link Tokenizer#encodePrompt}: BOS and text, or the chat template with its generation prompt), with the number of
 * leading positions that are context only; the rest (response and eos) are the targets.
 *
 * @param ids          the whole sequence
 * @param promptLength the prompt's ids: positions never predicted by the loss
 */
public record SupervisedExample(int[] ids, int promptLength) {

    public SupervisedExample {
        if (promptLength < 1 || promptLength >= ids.length) {
            throw new IllegalArgumentException("promptLength = " + promptLength + ": must be in [1, " + ids.length
                    + ") so that at least one target token remains");
        }
    }

    /** The worked solution of {@code problem} as a training sequence. */
    public static SupervisedExample of(Task task, Problem problem, Tokenizer tokenizer) {
        return of(tokenizer.encodePrompt(problem.messages()), tokenizer.encode(task.workedSolution(problem)),
                tokenizer);
    }

    /** @param prompt the prompt's ids as {@link Tokenizer#encodePrompt} gives them */
    static SupervisedExample of(int[] prompt, int[] response, Tokenizer tokenizer) {
        int[] ids = new int[prompt.length + response.length + 1];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(response, 0, ids, prompt.length, response.length);
        ids[ids.length - 1] = tokenizer.eosId();
        return new SupervisedExample(ids, prompt.length);
    }

    public int length() {
        return ids.length;
    }

    /** Tokens the loss is taken on: the response and eos. */
    public int targetCount() {
        return ids.length - promptLength;
    }
}
