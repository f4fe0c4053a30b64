package dev.forkpoint.rollout.task.countdown;

import java.math.BigInteger;

/**
 * Recursive-descent parser for countdown equations (no script engine):
 *
 * <pre>
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := number | '(' expr ')'
 *   number := '0' | [1-9][0-9]*
 * </pre>
 *
 * Spaces between tokens are ignored. There is no unary minus (a negative number is never given), and any
 * other character is an error whose message gives its 0-based position.
 */
public final class EquationParser {

    private final String text;
    private int pos;
    private int depth;

    private EquationParser(String text) {
        this.text = text;
    }

    public static Expr parse(String text) throws EquationSyntaxException {
        EquationParser p = new EquationParser(text);
        Expr e = p.expr();
        p.skipSpaces();
        if (p.pos < text.length()) {
            char c = text.charAt(p.pos);
            if (c == ')') {
                throw new EquationSyntaxException("unbalanced parentheses: unexpected ')' at " + p.pos);
            }
            throw p.unexpected();
        }
        return e;
    }

    private Expr expr() throws EquationSyntaxException {
        Expr left = term();
        while (true) {
            skipSpaces();
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                char op = text.charAt(pos++);
                left = new Expr.BinOp(op, left, term());
            } else {
                return left;
            }
        }
    }

    private Expr term() throws EquationSyntaxException {
        Expr left = factor();
        while (true) {
            skipSpaces();
            if (pos < text.length() && (text.charAt(pos) == '*' || text.charAt(pos) == '/')) {
                char op = text.charAt(pos++);
                left = new Expr.BinOp(op, left, factor());
            } else {
                return left;
            }
        }
    }

    private Expr factor() throws EquationSyntaxException {
        skipSpaces();
        if (pos >= text.length()) {
            throw new EquationSyntaxException(depth > 0
                    ? "unbalanced parentheses: missing ')'"
                    : "expected a number at end");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            pos++;
            depth++;
            Expr inner = expr();
            skipSpaces();
            if (pos >= text.length()) {
                throw new EquationSyntaxException("unbalanced parentheses: missing ')'");
            }
            if (text.charAt(pos) != ')') {
                throw unexpected();
            }
            pos++;
            depth--;
            return inner;
        }
        if (c >= '0' && c <= '9') {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            String digits = text.substring(start, pos);
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                throw new EquationSyntaxException("leading zero in " + digits + " at " + start);
            }
            return new Expr.Num(new BigInteger(digits));
        }
        if (c == ')') {
            throw new EquationSyntaxException(depth > 0
                    ? "expected a number at " + pos
                    : "unbalanced parentheses: unexpected ')' at " + pos);
        }
        throw unexpected();
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    private EquationSyntaxException unexpected() {
        char c = text.charAt(pos);
        String shown = c >= 32 && c < 127 ? "'" + c + "'" : String.format("U+%04X", (int) c);
        return new EquationSyntaxException("unexpected " + shown + " at " + pos);
    }
}
