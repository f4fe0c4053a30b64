package dev.forkpoint.rollout.task.countdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.task.Verdict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class CountdownVerifierTest {

    private static final List<Integer> NUMBERS = List.of(3, 5, 2);
    private static final int TARGET = 16;

    private static Verdict verify(String response) {
        return CountdownVerifier.verify(NUMBERS, TARGET, response);
    }

    @TestFactory
    Stream<DynamicTest> acceptsCorrectEquations() {
        return Stream.of("(3+5)*2", "2*(5+3)", " (3 + 5) * 2 ", "Answer: (3+5)*2", "(3+5)*2=16",
                        "Answer:(3+5)*2 = 16", "((3+5))*2", "(3+5)*2\n")
                .map(r -> DynamicTest.dynamicTest(r.replace("\n", "\\n"), () -> {
                    Verdict v = verify(r);
                    assertTrue(v.correct(), v.reason());
                    assertEquals(1.0, v.score());
                    assertEquals("correct", v.reason());
                }));
    }

    @TestFactory
    Stream<DynamicTest> rejectsWrongAnswersWithReason() {
        String[][] cases = {
                {"", "empty response"},
                {"   \n ", "empty response"},
                {"I give up", "no equation found"},
                {"3+5+2", "wrong total 10 != 16"},
                {"5/2*3", "wrong total 15/2 != 16"},
                {"(3+5)*2*3", "reused number 3"},
                {"5*5-3*3", "reused number 5"},
                {"(3+5)*2+0", "number 0 not given"},
                {"8*2", "number 8 not given"},
                {"2*8", "number 8 not given"},
                {"5/(3-3)", "reused number 3"},
                {"(3+5)*2=15", "stated total 15 != 16"},
                {"(3+5*2", "malformed equation: unbalanced parentheses: missing ')'"},
                {"(3+5))*2", "malformed equation: unbalanced parentheses: unexpected ')' at 5"},
                {")3+5(*2", "malformed equation: unbalanced parentheses: unexpected ')' at 0"},
                {"3+*5", "malformed equation: unexpected '*' at 2"},
                {"3+5*", "malformed equation: expected a number at end"},
                {"-3+5", "malformed equation: unexpected '-' at 0"},
                {"3^2", "malformed equation: unexpected '^' at 1"},
                {"(3+5)x2", "malformed equation: unexpected 'x' at 5"},
                {"()", "no equation found"},
                {"(3+)", "malformed equation: expected a number at 3"},
                {"03+5", "malformed equation: leading zero in 03 at 0"},
                {"(3+5)*2=", "malformed equation: expected an integer total after '=', got \"\""},
                {"(3+5)*2\n3", "malformed equation: unexpected U+000A at 7"},
                {"3 5", "malformed equation: unexpected '5' at 2"},
        };
        return Stream.of(cases).map(c -> DynamicTest.dynamicTest(c[0].replace("\n", "\\n") + " -> " + c[1], () -> {
            Verdict v = verify(c[0]);
            assertFalse(v.correct(), "accepted " + c[0]);
            assertEquals(0.0, v.score());
            assertEquals(c[1], v.reason());
        }));
    }

    @Test
    void divisionByZeroIsRejected() {
        Verdict v = CountdownVerifier.verify(List.of(4, 2, 2, 7), 7, "4/(2-2)+7");
        assertEquals("division by zero", v.reason());
        assertFalse(v.correct());
    }

    @Test
    void duplicateGivenNumbersMayEachBeUsedOnce() {
        assertTrue(CountdownVerifier.verify(List.of(5, 5, 2), 12, "5+5+2").correct());
        assertEquals("reused number 5", CountdownVerifier.verify(List.of(5, 5, 2), 17, "5+5+5+2").reason());
    }

    @Test
    void notEveryNumberNeedsToBeUsed() {
        assertTrue(CountdownVerifier.verify(List.of(3, 5, 2), 8, "3+5").correct());
        assertTrue(CountdownVerifier.verify(List.of(3, 5, 2), 5, "5").correct());
    }

    @Test
    void exactRationalArithmeticNotIntegerDivision() {
        // 7/2*2 is exactly 7; integer division would give 6.
        assertTrue(CountdownVerifier.verify(List.of(7, 2, 2), 7, "7/2*2").correct());
        // 1/3*3 is exactly 1; floating point gives 0.9999... on some orders.
        assertTrue(CountdownVerifier.verify(List.of(1, 3, 3), 1, "1/3*3").correct());
        assertEquals("wrong total 21/2 != 10", CountdownVerifier.verify(List.of(7, 2, 3), 10, "7/2*3").reason());
    }

    @Test
    void precedenceIsHonoured() {
        assertTrue(CountdownVerifier.verify(List.of(3, 5, 2), 13, "3+5*2").correct());
        assertEquals("wrong total 13 != 16", verify("3+5*2").reason());
        assertTrue(CountdownVerifier.verify(List.of(9, 3, 2), 4, "9-3-2").correct());
        assertTrue(CountdownVerifier.verify(List.of(8, 4, 2), 1, "8/4/2").correct());
    }
}
