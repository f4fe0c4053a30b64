package dev.forkpoint.rollout.task.jsonl;

import dev.forkpoint.rollout.task.ConfigFields;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Verdict;
import dev.forkpoint.rollout.task.jsonl.JsonlRecords.JsonlRecord;
import dev.forkpoint.rollout.task.verify.MathAnswerVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Problems from a user's JSONL file, scored by {@link MathAnswerVerifier}.
 *
 * <p>A record's prompt is text ({@code prompt}) or a conversation ({@code messages}); a model with a chat template
 * renders either (text as one user turn), a model without one takes only text.
 *
 * <p>Splits: records are grouped by identical prompt (text or conversation), the groups are shuffled with the seed, and the
 * first {@code evalSize} groups form the evaluation split, so no evaluation prompt is ever trained on.
 * Train index {@code i} walks the train records in epochs of {@code size(TRAIN)}, each epoch a fresh
 * shuffle seeded by (seed, epoch): a data cursor is one long.
 *
 * <p>The worked solution is {@code "Answer: <answer>"}: the file holds no reasoning to imitate.
 */
public final class JsonlTask implements Task {

    private final List<Problem> train;
    private final List<Problem> eval;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    public JsonlTask(JsonlConfig config) {
        this.seed = config.seed();
        Map<String, List<JsonlRecord>> byPrompt = new LinkedHashMap<>();
        for (JsonlRecord r : JsonlRecords.read(Path.of(config.path()))) {
            byPrompt.computeIfAbsent(r.promptKey(), k -> new ArrayList<>()).add(r);
        }
        List<List<JsonlRecord>> groups = new ArrayList<>(byPrompt.values());
        int distinct = groups.size();
        int evalSize = config.evalSize() != null ? config.evalSize() : Math.max(1, distinct / 10);
        if (evalSize >= distinct) {
            throw ConfigFields.invalid("evalSize", evalSize, "must leave at least one training prompt; the file has "
                    + distinct + " distinct prompt" + (distinct == 1 ? "" : "s"));
        }
        int[] order = permutation(distinct, new SplittableRandom(seed));
        List<Problem> ev = new ArrayList<>();
        List<Problem> tr = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            for (JsonlRecord r : groups.get(order[i])) {
                (i < evalSize ? ev : tr).add(new Problem("line:" + r.line(), r.prompt(), r.answer(),
                        Map.of("line", Integer.toString(r.line())), r.messages()));
            }
        }
        this.eval = List.copyOf(ev);
        this.train = List.copyOf(tr);
    }

    @Override
    public String name() {
        return JsonlConfig.NAME;
    }

    @Override
    public long size(Split split) {
        return split == Split.EVAL ? eval.size() : train.size();
    }

    @Override
    public Problem problem(Split split, long index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException(split.label() + " index " + index + " < 0");
        }
        if (split == Split.EVAL) {
            if (index >= eval.size()) {
                throw new IndexOutOfBoundsException("eval index " + index + " >= " + eval.size());
            }
            return eval.get((int) index);
        }
        long epoch = index / train.size();
        return train.get(epochOrder(epoch)[(int) (index % train.size())]);
    }

    private synchronized int[] epochOrder(long epoch) {
        if (epoch != cachedEpoch) {
            cachedOrder = permutation(train.size(), new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))));
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** Fisher-Yates with the given stream: the same seed gives the same order on every JVM. */
    private static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        return MathAnswerVerifier.verify(response, problem.answer());
    }

    @Override
    public String workedSolution(Problem problem) {
        return "Answer: " + problem.answer();
    }
}
