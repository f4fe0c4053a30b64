package dev.forkpoint.rollout.task.arithmetic;

import java.util.ArrayList;
import java.util.List;

/**
 * The worked solutions of the arithmetic task: one short line per step, so a small model can carry each
 * step's digits forward, ending in {@code Answer: N}.
 *
 * <pre>
 * 347+85              347-85                 85-347              347*85
 * 7+5+0=12            7-5-0=2                85-347=-(347-85)    347*5=1735
 * 4+8+1=13            4-8-0=-4+10=6          7-5-0=2             347*80=27760
 * 3+0+1=4             3-0-1=2                ...                 1735+27760=29495
 * Answer: 432         Answer: 262            Answer: -262        Answer: 29495
 * </pre>
 * Addition: per column from the right, "a+b+carry=sum" (the last digit is written, the tens carried).
 * Subtraction: per column "a-b-borrow=d", and when d is negative "=d+10=d'" (borrow 1 from the next
 * column); a smaller minuend is first swapped. Multiplication: the partial product of each digit of the
 * second operand at its place value, then their running sum.
 */
public final class ColumnSolution {

    private ColumnSolution() {
    }

    public static String add(long a, long b) {
        List<String> lines = new ArrayList<>();
        String x = Long.toString(a);
        String y = Long.toString(b);
        int columns = Math.max(x.length(), y.length());
        int carry = 0;
        for (int i = 0; i < columns; i++) {
            int da = digit(x, i);
            int db = digit(y, i);
            int sum = da + db + carry;
            lines.add(da + "+" + db + "+" + carry + "=" + sum);
            carry = sum / 10;
        }
        lines.add("Answer: " + (a + b));
        return String.join("\n", lines);
    }

    public static String subtract(long a, long b) {
        List<String> lines = new ArrayList<>();
        long big = a;
        long small = b;
        if (a < b) {
            lines.add(a + "-" + b + "=-(" + b + "-" + a + ")");
            big = b;
            small = a;
        }
        String x = Long.toString(big);
        String y = Long.toString(small);
        int borrow = 0;
        for (int i = 0; i < x.length(); i++) {
            int da = digit(x, i);
            int db = digit(y, i);
            int d = da - db - borrow;
            String line = da + "-" + db + "-" + borrow + "=" + d;
            borrow = 0;
            if (d < 0) {
                line += "+10=" + (d + 10);
                borrow = 1;
            }
            lines.add(line);
        }
        lines.add("Answer: " + (a - b));
        return String.join("\n", lines);
    }

    public static String multiply(long a, long b) {
        List<String> lines = new ArrayList<>();
        String y = Long.toString(b);
        long place = 1;
        List<Long> partials = new ArrayList<>();
        for (int i = 0; i < y.length(); i++) {
            long factor = digit(y, i) * place;
            long partial = a * factor;
            lines.add(a + "*" + factor + "=" + partial);
            partials.add(partial);
            place *= 10;
        }
        long total = partials.get(0);
        for (int i = 1; i < partials.size(); i++) {
            long next = total + partials.get(i);
            lines.add(total + "+" + partials.get(i) + "=" + next);
            total = next;
        }
        lines.add("Answer: " + total);
        return String.join("\n", lines);
    }

    /** The i-th digit from the right, 0 beyond the number's length. */
    private static int digit(String number, int i) {
        int at = number.length() - 1 - i;
        return at >= 0 ? number.charAt(at) - '0' : 0;
    }
}
