package dev.forkpoint.rollout.task.countdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.forkpoint.rollout.task.verify.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EquationParserTest {

    private static Rational eval(String s) throws EquationSyntaxException {
        return EquationParser.parse(s).evaluate();
    }

    @Test
    void evaluatesWithPrecedenceAndLeftAssociativity() throws Exception {
        assertEquals(Rational.of(13), eval("3+5*2"));
        assertEquals(Rational.of(16), eval("(3+5)*2"));
        assertEquals(Rational.of(4), eval("9-3-2"));
        assertEquals(Rational.of(8), eval("9-(3-2)"));
        assertEquals(Rational.of(1), eval("8/4/2"));
        assertEquals(Rational.of(4), eval("8/(4/2)"));
        assertEquals(Rational.of(BigInteger.valueOf(-15), BigInteger.valueOf(2)), eval("1-(9/2)-4"));
        assertEquals(Rational.of(42), eval(" ( ( 42 ) ) "));
    }

    @Test
    void divisionByZeroThrowsOnEvaluationNotParse() throws Exception {
        Expr e = EquationParser.parse("5/(3-3)");
        assertThrows(ArithmeticException.class, e::evaluate);
    }

    @Test
    void malformedInputIsRejected() {
        for (String s : List.of("", " ", "+", "1+", "(1", "1)", "1 2", "1++2", "(", ")(", "1.5", "1e3", "--1", "a")) {
            assertThrows(EquationSyntaxException.class, () -> EquationParser.parse(s), "accepted \"" + s + "\"");
        }
    }

    /** Rendering with the fewest parentheses must parse back to the same value for every tree. */
    @Test
    void renderedTreesParseBackToTheSameValue() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        char[] ops = {'+', '-', '*', '/'};
        for (int trial = 0; trial < 5000; trial++) {
            List<Expr> pool = new ArrayList<>();
            for (int i = 0; i < 2 + rng.nextInt(4); i++) {
                pool.add(new Expr.Num(BigInteger.valueOf(1 + rng.nextInt(12))));
            }
            while (pool.size() > 1) {
                Expr a = pool.remove(rng.nextInt(pool.size()));
                Expr b = pool.remove(rng.nextInt(pool.size()));
                pool.add(new Expr.BinOp(ops[rng.nextInt(4)], a, b));
            }
            Expr tree = pool.get(0);
            Rational expected;
            try {
                expected = tree.evaluate();
            } catch (ArithmeticException e) {
                continue;
            }
            String text = tree.render();
            assertEquals(expected, eval(text), text);
        }
    }
}
