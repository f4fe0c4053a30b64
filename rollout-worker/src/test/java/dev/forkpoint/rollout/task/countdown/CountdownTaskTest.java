package dev.forkpoint.rollout.task.countdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.task.BuiltinVocabulary;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Verdict;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CountdownTaskTest {

    private static CountdownTask task(int numbers, long seed) {
        CountdownConfig d = CountdownConfig.defaults();
        return new CountdownTask(new CountdownConfig(numbers, d.minNumber(), d.maxNumber(), d.minTarget(),
                d.maxTarget(), seed, d.evalSize()));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4})
    void workedSolutionsAlwaysVerify(int numbers) {
        CountdownTask t = task(numbers, 7);
        int n = numbers == 3 ? 5000 : 2000;
        for (int i = 0; i < n; i++) {
            Problem p = t.problem(Split.TRAIN, i);
            String solution = t.workedSolution(p);
            Verdict v = t.verify(p, solution);
            assertTrue(v.correct(), p.prompt() + solution + " -> " + v.reason());
            assertTrue(BuiltinVocabulary.covers(p.prompt()), p.prompt());
            assertTrue(BuiltinVocabulary.covers(solution), solution);
        }
        for (int i = 0; i < t.size(Split.EVAL); i++) {
            Problem p = t.problem(Split.EVAL, i);
            assertTrue(t.verify(p, t.workedSolution(p)).correct(), p.prompt());
        }
    }

    @Test
    void problemsHaveTheDocumentedFormatAndRanges() {
        CountdownTask t = task(3, 1);
        for (int i = 0; i < 2000; i++) {
            Problem p = t.problem(Split.TRAIN, i);
            assertTrue(p.prompt().matches("[0-9]+ [0-9]+ [0-9]+=-?[0-9]+:"), p.prompt());
            List<Integer> nums = CountdownTask.numbersOf(p);
            assertEquals(3, nums.size());
            nums.forEach(x -> assertTrue(x >= 1 && x <= 10, p.prompt()));
            int target = CountdownTask.targetOf(p);
            assertTrue(target >= 1 && target <= 100, p.prompt());
            assertEquals(Integer.toString(target), p.answer());
            assertEquals("train:" + i, p.id());
        }
    }

    @Test
    void canonicalSolutionIsTheDocumentedForm() {
        // Left-deep in prompt order with + - * / order wins over other forms.
        assertEquals("(3+5)*2", CountdownSolver.solve(List.of(3, 5, 2), 16).orElseThrow().render());
        assertEquals("3+5+2", CountdownSolver.solve(List.of(3, 5, 2), 10).orElseThrow().render());
        assertEquals("3*5+2", CountdownSolver.solve(List.of(3, 5, 2), 17).orElseThrow().render());
        // 3-(5-2) = 0 is not left-deep in order; (3-5)+2 = 0 is found first and printed without brackets.
        assertEquals("3-5+2", CountdownSolver.solve(List.of(3, 5, 2), 0).orElseThrow().render());
        // (6-2)/4: operators vary rightmost fastest, so "-" then "/" is reached before any other shape.
        assertEquals("(6-2)/4", CountdownSolver.solve(List.of(6, 2, 4), 1).orElseThrow().render());
        // No left-deep tree over 7 1 1 reaches 0 before 7*(1-1) of the second shape a o (b o c).
        assertEquals("7*(1-1)", CountdownSolver.solve(List.of(7, 1, 1), 0).orElseThrow().render());
        // No tree over all of 2 2 10 gives 5 (checked by hand), so two numbers are used: the first
        // ordered pair that works is (10, 2).
        assertEquals("10/2", CountdownSolver.solve(List.of(2, 2, 10), 5).orElseThrow().render());
        assertEquals("5-6", CountdownSolver.solve(List.of(5, 6, 7), -1).orElseThrow().render());
        // Unreachable with any subset.
        assertTrue(CountdownSolver.solve(List.of(1, 1, 1), 100).isEmpty());
    }

    @Test
    void splitsAreDisjointOverLargeSamples() {
        CountdownTask t = task(3, 11);
        Set<String> evalPrompts = new HashSet<>();
        Set<String> evalIdentities = new HashSet<>();
        for (int i = 0; i < t.size(Split.EVAL); i++) {
            Problem p = t.problem(Split.EVAL, i);
            evalPrompts.add(p.prompt());
            evalIdentities.add(identity(p));
        }
        assertEquals(256, evalIdentities.size(), "eval problems are distinct");
        for (int i = 0; i < 20_000; i++) {
            Problem p = t.problem(Split.TRAIN, i);
            assertFalse(evalPrompts.contains(p.prompt()), "train " + i + " is eval prompt " + p.prompt());
            assertFalse(evalIdentities.contains(identity(p)), "train " + i + " permutes an eval problem " + p.prompt());
        }
    }

    private static String identity(Problem p) {
        return CountdownTask.numbersOf(p).stream().sorted().toList() + "=" + p.answer();
    }

    @Test
    void sameSeedSameProblemsOtherSeedOtherProblems() {
        CountdownTask a = task(3, 5);
        CountdownTask b = task(3, 5);
        CountdownTask c = task(3, 6);
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            assertEquals(a.problem(Split.TRAIN, i), b.problem(Split.TRAIN, i));
            assertEquals(a.problem(Split.EVAL, i), b.problem(Split.EVAL, i));
            if (!a.problem(Split.TRAIN, i).prompt().equals(c.problem(Split.TRAIN, i).prompt())) {
                differ++;
            }
        }
        assertTrue(differ > 150, "another seed changes most problems, changed " + differ);
        assertNotEquals(a.problems(Split.EVAL, 0, 50), c.problems(Split.EVAL, 0, 50));
    }

    @Test
    void indexedAccessDoesNotDependOnCallOrder() {
        CountdownTask a = task(4, 3);
        Problem late = a.problem(Split.TRAIN, 123_456_789L);
        CountdownTask b = task(4, 3);
        for (int i = 0; i < 10; i++) {
            b.problem(Split.TRAIN, i);
        }
        assertEquals(late, b.problem(Split.TRAIN, 123_456_789L));
    }

    @Test
    void unreachableTargetRangeIsAConfigError() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CountdownTask(new CountdownConfig(3, 1, 2, 900, 1000, 0, 4)));
        assertTrue(e.getMessage().startsWith("task.minTarget = 900: no integer target"), e.getMessage());
    }
}
