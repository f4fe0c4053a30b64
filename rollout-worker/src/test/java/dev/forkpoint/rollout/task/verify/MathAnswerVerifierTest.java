package dev.forkpoint.rollout.task.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.task.Verdict;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class MathAnswerVerifierTest {

    /** {response, reference}: must be judged correct. */
    private static final String[][] RIGHT = {
            {"42", "42"},
            {"The answer is 42.", "42"},
            {"-7", "-7"},
            {"so x = -7", "-7"},
            {"0.75", "3/4"},
            {"3/4", "0.75"},
            {"6/8", "3/4"},
            {".5", "1/2"},
            {"2.50", "5/2"},
            {"1,000", "1000"},
            {"\\boxed{\\frac{3}{4}}", "0.75"},
            {"\\boxed{\\dfrac{3}{4}}", "3/4"},
            {"\\boxed{-\\frac{1}{2}}", "-0.5"},
            {"$\\boxed{ 12 }$.", "12"},
            {"first \\boxed{5} then \\boxed{7}", "7"},
            {"\\boxed{x = 9}", "9"},
            {"\\boxed{\\frac{1}{2}}", "\\boxed{0.5}"},
            {"work 3+4=7\nAnswer: 12", "12"},
            {"answer: 12\nchecking 5", "12"},
            {"Answer: 1/3", "\\frac{1}{3}"},
            {"Answer: Paris", "Paris"},
            {"Answer: $12$", "12"},
            {"it is \\frac{2}{4}", "1/2"},
            {"Answer: 10", "10.0"},
    };

    /** {response, reference, reason}: must be judged wrong with this reason. */
    private static final String[][] WRONG = {
            {"", "42", "empty response"},
            {"  ", "42", "empty response"},
            {"no idea", "42", "no answer found"},
            {"41", "42", "wrong answer 41 != 42"},
            {"-42", "42", "wrong answer -42 != 42"},
            {"0.333", "1/3", "wrong answer 333/1000 != 1/3"},
            {"\\boxed{5} and then 7", "7", "wrong answer 5 != 7"},
            {"Answer: 12\nso maybe 13", "13", "wrong answer 12 != 13"},
            {"Answer: twelve", "12", "answer \"twelve\" is not a number"},
            {"Answer: paris", "Paris", "wrong answer \"paris\" != \"Paris\""},
            {"10-5", "-5", "wrong answer 5 != -5"},
            {"1/0", "1", "answer \"1/0\" is not a number"},
    };

    @TestFactory
    Stream<DynamicTest> acceptsEquivalentAnswers() {
        return Stream.of(RIGHT).map(c -> DynamicTest.dynamicTest(c[0].replace("\n", "\\n") + " == " + c[1], () -> {
            Verdict v = MathAnswerVerifier.verify(c[0], c[1]);
            assertTrue(v.correct(), v.reason());
            assertEquals(1.0, v.score());
        }));
    }

    @TestFactory
    Stream<DynamicTest> rejectsWrongAnswers() {
        return Stream.of(WRONG).map(c -> DynamicTest.dynamicTest(c[0].replace("\n", "\\n") + " != " + c[1], () -> {
            Verdict v = MathAnswerVerifier.verify(c[0], c[1]);
            assertFalse(v.correct());
            assertEquals(0.0, v.score());
            assertEquals(c[2], v.reason());
        }));
    }

    @Test
    void extractionRulesInOrder() {
        assertEquals(Optional.of("a{b}c"), MathAnswer.extract("Answer: 3\n\\boxed{a{b}c}"));
        assertEquals(Optional.of("3"), MathAnswer.extract("\\boxed{unclosed\nAnswer: 3"));
        assertEquals(Optional.of("4"), MathAnswer.extract("2 and 3 and 4"));
        assertEquals(Optional.of("-4"), MathAnswer.extract("it is -4"));
        assertEquals(Optional.of("4"), MathAnswer.extract("it is 8-4"));
        assertEquals(Optional.of("3/4"), MathAnswer.extract("ratio 3/4."));
        assertEquals(Optional.empty(), MathAnswer.extract("none"));
    }

    @Test
    void numbersAreExactRationals() {
        assertEquals(Optional.of(Rational.of(java.math.BigInteger.valueOf(3), java.math.BigInteger.valueOf(4))),
                MathAnswer.number("0.75"));
        assertEquals(MathAnswer.number("0.1"), MathAnswer.number("1/10"));
        assertFalse(MathAnswer.number("0.1").equals(MathAnswer.number("0.1000001")));
        assertEquals(Optional.empty(), MathAnswer.number("1,00"));
        assertEquals(Optional.empty(), MathAnswer.number("abc"));
    }
}
