package dev.forkpoint.rollout.task.countdown;

import dev.forkpoint.rollout.task.verify.Rational;
import java.math.BigInteger;
import java.util.List;

/** A countdown equation: number leaves and binary + - * / nodes, evaluated exactly. */
public sealed interface Expr permits Expr.Num, Expr.BinOp {

    /** Exact value; @throws ArithmeticException on division by zero */
    Rational evaluate();

    /** Appends the number literals, left to right. */
    void collectNumbers(List<BigInteger> into);

    /** Text with the fewest parentheses that parse back to an equal value with usual precedence. */
    String render();

    record Num(BigInteger value) implements Expr {
        @Override
        public Rational evaluate() {
            return Rational.of(value, BigInteger.ONE);
        }

        @Override
        public void collectNumbers(List<BigInteger> into) {
            into.add(value);
        }

        @Override
        public String render() {
            return value.toString();
        }
    }

    record BinOp(char op, Expr left, Expr right) implements Expr {
        public BinOp {
            if ("+-*/".indexOf(op) < 0) {
                throw new IllegalArgumentException("operator '" + op + "'");
            }
        }

        @Override
        public Rational evaluate() {
            Rational a = left.evaluate();
            Rational b = right.evaluate();
            return switch (op) {
                case '+' -> a.add(b);
                case '-' -> a.subtract(b);
                case '*' -> a.multiply(b);
                default -> a.divide(b);
            };
        }

        @Override
        public void collectNumbers(List<BigInteger> into) {
            left.collectNumbers(into);
            right.collectNumbers(into);
        }

        @Override
        public String render() {
            int p = precedence(op);
            // Left operands parse left-associatively, so only lower precedence needs parentheses; a right
            // operand also needs them under - and / (a-(b+c) differs from a-b+c).
            String l = left instanceof BinOp lb && precedence(lb.op) < p ? "(" + left.render() + ")" : left.render();
            boolean wrapRight = right instanceof BinOp rb
                    && (precedence(rb.op) < p || (precedence(rb.op) == p && (op == '-' || op == '/')));
            String r = wrapRight ? "(" + right.render() + ")" : right.render();
            return l + op + r;
        }

        private static int precedence(char op) {
            return op == '+' || op == '-' ? 1 : 2;
        }
    }
}
