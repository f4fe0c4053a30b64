package dev.forkpoint.rollout.task.arithmetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.task.BuiltinVocabulary;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Verdict;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ArithmeticTaskTest {

    private static final Pattern STEP = Pattern.compile("(-?[0-9]+)([+*-])(-?[0-9]+)(?:([+-])([0-9]+))?=(-?[0-9]+)(?:\\+10=([0-9]))?");

    @Test
    void documentedExamples() {
        assertEquals("7+5+0=12\n4+8+1=13\n3+0+1=4\nAnswer: 432", ColumnSolution.add(347, 85));
        assertEquals("7-5-0=2\n4-8-0=-4+10=6\n3-0-1=2\nAnswer: 262", ColumnSolution.subtract(347, 85));
        assertEquals("85-347=-(347-85)\n7-5-0=2\n4-8-0=-4+10=6\n3-0-1=2\nAnswer: -262", ColumnSolution.subtract(85, 347));
        assertEquals("347*5=1735\n347*80=27760\n1735+27760=29495\nAnswer: 29495", ColumnSolution.multiply(347, 85));
        assertEquals("0-9-0=-9+10=1\n0-9-1=-10+10=0\n1-0-1=0\nAnswer: 1", ColumnSolution.subtract(100, 99));
        assertEquals("12*0=0\n12*30=360\n0+360=360\nAnswer: 360", ColumnSolution.multiply(12, 30));
    }

    /** Every step line is true arithmetic, the carries/borrows chain, and the last line is the exact result. */
    @Test
    void workedSolutionsAreCorrectStepByStep() {
        for (ArithmeticConfig config : List.of(ArithmeticConfig.defaults(),
                new ArithmeticConfig(List.of("add", "sub", "mul"), 1, 9, 4, 64))) {
            ArithmeticTask t = new ArithmeticTask(config);
            for (int i = 0; i < 3000; i++) {
                Problem p = t.problem(Split.TRAIN, i);
                String solution = t.workedSolution(p);
                assertTrue(BuiltinVocabulary.covers(p.prompt() + solution));
                long a = Long.parseLong(p.require("a"));
                long b = Long.parseLong(p.require("b"));
                long expected = switch (p.require("op")) {
                    case "+" -> a + b;
                    case "-" -> a - b;
                    default -> a * b;
                };
                assertEquals(p.prompt(), a + p.require("op") + b + ":\n");
                assertEquals(Long.toString(expected), p.answer());
                String[] lines = solution.split("\n");
                assertEquals("Answer: " + expected, lines[lines.length - 1], solution);
                for (int l = 0; l < lines.length - 1; l++) {
                    if (lines[l].contains("=-(")) {
                        continue;
                    }
                    checkStep(lines[l], solution);
                }
                Verdict v = t.verify(p, solution);
                assertTrue(v.correct(), solution + " -> " + v.reason());
            }
        }
    }

    private static void checkStep(String line, String solution) {
        Matcher m = STEP.matcher(line);
        assertTrue(m.matches(), "step \"" + line + "\" in\n" + solution);
        long x = Long.parseLong(m.group(1));
        long y = Long.parseLong(m.group(3));
        long v = switch (m.group(2)) {
            case "+" -> x + y;
            case "-" -> x - y;
            default -> x * y;
        };
        if (m.group(4) != null) {
            long z = Long.parseLong(m.group(5));
            v = m.group(4).equals("+") ? v + z : v - z;
        }
        assertEquals(v, Long.parseLong(m.group(6)), line);
        if (m.group(7) != null) {
            assertEquals(v + 10, Long.parseLong(m.group(7)), line);
        }
    }

    @Test
    void verifierReadsTheFinalAnswer() {
        ArithmeticTask t = new ArithmeticTask(ArithmeticConfig.defaults());
        Problem p = ArithmeticTask.problemOf("x", 347, '*', 85);
        assertTrue(t.verify(p, "Answer: 29495").correct());
        assertTrue(t.verify(p, "347*5=1735\nAnswer: 29495").correct());
        assertEquals("wrong answer 29496 != 29495", t.verify(p, "347*5=1735\nAnswer: 29496").reason());
        // Without an Answer: line the last number counts: here an intermediate step, so wrong.
        assertFalse(t.verify(p, "347*5=1735").correct());
        assertEquals("empty response", t.verify(p, "").reason());
        assertEquals("no answer found", t.verify(p, "no idea").reason());
    }

    @Test
    void splitsDisjointAndSeeded() {
        ArithmeticTask t = new ArithmeticTask(ArithmeticConfig.defaults());
        Set<String> eval = new HashSet<>();
        for (int i = 0; i < t.size(Split.EVAL); i++) {
            eval.add(t.problem(Split.EVAL, i).prompt());
        }
        for (int i = 0; i < 20_000; i++) {
            assertFalse(eval.contains(t.problem(Split.TRAIN, i).prompt()));
        }
        ArithmeticTask same = new ArithmeticTask(ArithmeticConfig.defaults());
        ArithmeticTask other = new ArithmeticTask(new ArithmeticConfig(ArithmeticConfig.OPERATIONS, 2, 3, 1, 256));
        assertEquals(t.problems(Split.TRAIN, 0, 100), same.problems(Split.TRAIN, 0, 100));
        assertEquals(t.problems(Split.EVAL, 0, 100), same.problems(Split.EVAL, 0, 100));
        assertFalse(t.problems(Split.TRAIN, 0, 100).equals(other.problems(Split.TRAIN, 0, 100)));
    }

    @Test
    void tooSmallProblemSpaceForEvalSizeIsAConfigError() {
        // 1-digit addition has 55 distinct problems (a+b with a <= b): 100 cannot be held out.
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ArithmeticTask(new ArithmeticConfig(List.of("add"), 1, 1, 0, 100)));
        assertTrue(e.getMessage().startsWith("task.evalSize = 100: only 55 distinct problems"), e.getMessage());
    }
}
