package dev.forkpoint.rollout.task.countdown;

import dev.forkpoint.rollout.task.verify.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deterministic exhaustive search for a countdown equation, in one fixed preference order so that the
 * worked solution of a problem is always the same, learnable form:
 * <ol>
 *   <li>more numbers first (all of them, then all but one, ...);</li>
 *   <li>numbers in prompt order before other orders (ordered selections in lexicographic index order);</li>
 *   <li>left-deep trees first ({@code ((a o b) o c) o d}), then the other shapes, splitting the leaves with
 *       the largest left part first;</li>
 *   <li>operators in the order + - * /, the leftmost operator varying slowest.</li>
 * </ol>
 * The first candidate whose exact value equals the target wins; it is rendered with the fewest parentheses.
 */
public final class CountdownSolver {

    private static final char[] OPS = {'+', '-', '*', '/'};

    private CountdownSolver() {
    }

    public static Optional<Expr> solve(List<Integer> numbers, int target) {
        Rational goal = Rational.of(target);
        int n = numbers.size();
        for (int k = n; k >= 1; k--) {
            for (int[] selection : orderedSelections(n, k)) {
                Expr[] leaves = new Expr[k];
                for (int i = 0; i < k; i++) {
                    leaves[i] = new Expr.Num(BigInteger.valueOf(numbers.get(selection[i])));
                }
                for (Shape shape : shapes(0, k)) {
                    int internal = k - 1;
                    int combos = 1 << (2 * internal);
                    char[] ops = new char[internal];
                    for (int c = 0; c < combos; c++) {
                        for (int i = 0; i < internal; i++) {
                            ops[i] = OPS[(c >> (2 * (internal - 1 - i))) & 3];
                        }
                        Expr e = shape.build(leaves, ops);
                        try {
                            if (e.evaluate().equals(goal)) {
                                return Optional.of(e);
                            }
                        } catch (ArithmeticException divisionByZero) {
                            // not a candidate
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** All k-permutations of {0..n-1} in lexicographic order (prompt order first). */
    static List<int[]> orderedSelections(int n, int k) {
        List<int[]> out = new ArrayList<>();
        select(n, k, new int[k], new boolean[n], 0, out);
        return out;
    }

    private static void select(int n, int k, int[] cur, boolean[] used, int depth, List<int[]> out) {
        if (depth == k) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!used[i]) {
                used[i] = true;
                cur[depth] = i;
                select(n, k, cur, used, depth + 1, out);
                used[i] = false;
            }
        }
    }

    /** A binary tree shape over leaves [from, to): a leaf, or a split into two sub-shapes. */
    record Shape(Shape left, Shape right) {
        boolean isLeaf() {
            return left == null;
        }

        /** Fills leaves left to right and operators in in-order (textual) order. */
        Expr build(Expr[] leaves, char[] ops) {
            return build(leaves, ops, new int[] {0}, new int[] {0});
        }

        private Expr build(Expr[] leaves, char[] ops, int[] leafCursor, int[] opCursor) {
            if (isLeaf()) {
                return leaves[leafCursor[0]++];
            }
            Expr l = left.build(leaves, ops, leafCursor, opCursor);
            char op = ops[opCursor[0]++];
            Expr r = right.build(leaves, ops, leafCursor, opCursor);
            return new Expr.BinOp(op, l, r);
        }
    }

    static List<Shape> shapes(int from, int to) {
        List<Shape> out = new ArrayList<>();
        if (to - from == 1) {
            out.add(new Shape(null, null));
            return out;
        }
        for (int split = to - 1; split > from; split--) {
            for (Shape l : shapes(from, split)) {
                for (Shape r : shapes(split, to)) {
                    out.add(new Shape(l, r));
                }
            }
        }
        return out;
    }
}
