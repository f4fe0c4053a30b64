package dev.forkpoint.rollout.chat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Python's value semantics for the template engine, since chat templates are written against them: truthiness,
 * {@code str()} and {@code repr()}, {@code +} on strings and lists, comparisons, membership, indexing and slicing
 * with negative indices and steps, and the string and dict methods templates call. Numbers are {@code Long} and
 * {@code Double}; {@code null} is {@code None}.
 */
final class PyValues {

    private PyValues() {
    }

    /** Java values from a caller (Integer, arrays, any Map/List) as the engine's (Long, List, LinkedHashMap). */
    static Object fromJava(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), fromJava(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            c.forEach(x -> out.add(fromJava(x)));
            return out;
        }
        if (v instanceof Object[] a) {
            List<Object> out = new ArrayList<>();
            for (Object x : a) {
                out.add(fromJava(x));
            }
            return out;
        }
        return v;
    }

    static boolean truthy(Object v) {
        if (v == null || v == ChatTemplate.UNDEFINED) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** Python's {@code str()}. */
    static String str(Object v) {
        if (v == ChatTemplate.UNDEFINED) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        return repr(v);
    }

    /** Python's {@code repr()} (what a list or dict shows for its elements). */
    static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v == ChatTemplate.UNDEFINED) {
            return "";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Long l) {
            return Long.toString(l);
        }
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof String s) {
            boolean dq = s.contains("'") && !s.contains("\"");
            char q = dq ? '"' : '\'';
            StringBuilder b = new StringBuilder().append(q);
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c == q) {
                            b.append('\\');
                        }
                        b.append(c);
                    }
                }
            }
            return b.append(q).toString();
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(repr(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(repr(k) + ": " + repr(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(v);
    }

    /** Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs >= 1e16 || abs < 1e-4) {
            String digits = exact.unscaledValue().abs().toString();
            int exponent = digits.length() - 1 - exact.scale();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
        }
        String plain = exact.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    static List<Object> iterate(Object v) {
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof String s) {
            List<Object> out = new ArrayList<>();
            s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
            return out;
        }
        if (v == ChatTemplate.UNDEFINED) {
            return List.of();
        }
        throw new ChatTemplateException(repr(v) + " is not iterable");
    }

    static Object attribute(Object target, String name) {
        if (target instanceof ChatTemplate.Namespace ns) {
            return ns.attributes.getOrDefault(name, ChatTemplate.UNDEFINED);
        }
        if (target instanceof Map<?, ?> m) {
            if (m.containsKey(name)) {
                return m.get(name);
            }
            return dictMethod(m, name);
        }
        if (target instanceof String s) {
            return StringMethods.bind(s, name);
        }
        return ChatTemplate.UNDEFINED;
    }

    private static Object dictMethod(Map<?, ?> m, String name) {
        return switch (name) {
            case "items" -> (ChatTemplate.Function) (a, k) -> {
                List<Object> out = new ArrayList<>();
                m.forEach((key, value) -> out.add(java.util.Arrays.asList(key, value)));
                return out;
            };
            case "keys" -> (ChatTemplate.Function) (a, k) -> new ArrayList<>(m.keySet());
            case "values" -> (ChatTemplate.Function) (a, k) -> new ArrayList<>(m.values());
            case "get" -> (ChatTemplate.Function) (a, k) -> m.containsKey(str(a.get(0))) ? m.get(str(a.get(0)))
                    : a.size() > 1 ? a.get(1) : null;
            default -> ChatTemplate.UNDEFINED;
        };
    }

    static Object item(Object target, Object key) {
        if (target instanceof Map<?, ?> m) {
            String k = key instanceof String s ? s : str(key);
            return m.containsKey(k) ? m.get(k) : ChatTemplate.UNDEFINED;
        }
        if (target instanceof ChatTemplate.Namespace ns) {
            return ns.attributes.getOrDefault(str(key), ChatTemplate.UNDEFINED);
        }
        if (target instanceof List<?> l && key instanceof Long i) {
            long idx = i < 0 ? l.size() + i : i;
            return idx >= 0 && idx < l.size() ? l.get((int) idx) : ChatTemplate.UNDEFINED;
        }
        if (target instanceof String s && key instanceof Long i) {
            long idx = i < 0 ? s.length() + i : i;
            return idx >= 0 && idx < s.length() ? String.valueOf(s.charAt((int) idx)) : ChatTemplate.UNDEFINED;
        }
        if (target instanceof String s && key instanceof String name) {
            return StringMethods.bind(s, name);
        }
        return ChatTemplate.UNDEFINED;
    }

    static Object slice(Object target, Object startV, Object stopV, Object stepV) {
        long step = stepV == null ? 1 : toLong(stepV);
        if (step == 0) {
            throw new ChatTemplateException("slice step cannot be zero");
        }
        int n;
        if (target instanceof List<?> l) {
            n = l.size();
        } else if (target instanceof String s) {
            n = s.length();
        } else if (target == ChatTemplate.UNDEFINED) {
            return ChatTemplate.UNDEFINED;
        } else {
            throw new ChatTemplateException(repr(target) + " cannot be sliced");
        }
        long start;
        long stop;
        if (step > 0) {
            start = startV == null ? 0 : clamp(toLong(startV), n, 0, n);
            stop = stopV == null ? n : clamp(toLong(stopV), n, 0, n);
        } else {
            start = startV == null ? n - 1 : clamp(toLong(startV), n, -1, n - 1);
            stop = stopV == null ? -1 : clamp(toLong(stopV), n, -1, n - 1);
        }
        List<Integer> idx = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            idx.add((int) i);
        }
        if (target instanceof String s) {
            StringBuilder b = new StringBuilder();
            idx.forEach(i -> b.append(s.charAt(i)));
            return b.toString();
        }
        List<?> l = (List<?>) target;
        List<Object> out = new ArrayList<>();
        idx.forEach(i -> out.add(l.get(i)));
        return out;
    }

    /** Python's slice-bound adjustment: negative counts from the end, then clamped to [lo, hi]. */
    private static long clamp(long i, int n, long lo, long hi) {
        if (i < 0) {
            i += n;
        }
        return Math.max(lo, Math.min(hi, i));
    }

    static Object binary(String op, Object l, Object r) {
        switch (op) {
            case "==" -> {
                return equal(l, r);
            }
            case "!=" -> {
                return !equal(l, r);
            }
            case "<", "<=", ">", ">=" -> {
                int c = compare(l, r);
                return switch (op) {
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
            case "in" -> {
                return contains(r, l);
            }
            case "not in" -> {
                return !contains(r, l);
            }
            case "~" -> {
                return str(l) + str(r);
            }
            case "+" -> {
                if (l instanceof String a && r instanceof String b) {
                    return a + b;
                }
                if (l instanceof List<?> a && r instanceof List<?> b) {
                    List<Object> out = new ArrayList<>(a);
                    out.addAll(b);
                    return out;
                }
                return arithmetic(op, l, r);
            }
            case "*" -> {
                if (l instanceof String s && r instanceof Long n) {
                    return s.repeat((int) Math.max(0, n));
                }
                return arithmetic(op, l, r);
            }
            default -> {
                return arithmetic(op, l, r);
            }
        }
    }

    private static Object arithmetic(String op, Object l, Object r) {
        if (!(l instanceof Number) || !(r instanceof Number) || l instanceof Boolean || r instanceof Boolean) {
            throw new ChatTemplateException("unsupported operand types for " + op + ": " + repr(l) + " and " + repr(r));
        }
        if (l instanceof Long a && r instanceof Long b && !op.equals("/")) {
            return switch (op) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "//" -> Math.floorDiv(a, b);
                case "%" -> Math.floorMod(a, b);
                case "**" -> (long) Math.pow(a, b);
                default -> throw new ChatTemplateException("unknown operator " + op);
            };
        }
        double a = ((Number) l).doubleValue();
        double b = ((Number) r).doubleValue();
        return switch (op) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> a / b;
            case "//" -> Math.floor(a / b);
            case "%" -> a - b * Math.floor(a / b);
            case "**" -> Math.pow(a, b);
            default -> throw new ChatTemplateException("unknown operator " + op);
        };
    }

    static Object negate(Object v) {
        if (v instanceof Long l) {
            return -l;
        }
        if (v instanceof Double d) {
            return -d;
        }
        throw new ChatTemplateException("bad operand for unary -: " + repr(v));
    }

    static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && !(a instanceof Boolean) && !(b instanceof Boolean)) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a == ChatTemplate.UNDEFINED || b == ChatTemplate.UNDEFINED) {
            return a == b;
        }
        return Objects.equals(a, b);
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        throw new ChatTemplateException("cannot compare " + repr(a) + " with " + repr(b));
    }

    static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            return s.contains(str(item));
        }
        if (container instanceof List<?> l) {
            return l.stream().anyMatch(x -> equal(x, item));
        }
        if (container instanceof Map<?, ?> m) {
            return m.containsKey(str(item));
        }
        if (container == ChatTemplate.UNDEFINED) {
            return false;
        }
        throw new ChatTemplateException("argument of type " + repr(container) + " is not iterable");
    }

    static long toLong(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return (long) (double) d;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new ChatTemplateException(repr(v) + " is not an integer");
    }

    /** A strftime pattern (%d %b %Y ...) as a java.time pattern. */
    static String strftimeToJava(String f) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '%' && i + 1 < f.length()) {
                char d = f.charAt(++i);
                String p = switch (d) {
                    case 'd' -> "dd";
                    case 'm' -> "MM";
                    case 'Y' -> "yyyy";
                    case 'y' -> "yy";
                    case 'b' -> "MMM";
                    case 'B' -> "MMMM";
                    case 'a' -> "EEE";
                    case 'A' -> "EEEE";
                    case 'H' -> "HH";
                    case 'I' -> "hh";
                    case 'M' -> "mm";
                    case 'S' -> "ss";
                    case 'p' -> "a";
                    case '%' -> null;
                    default -> throw new ChatTemplateException("strftime_now: unsupported directive %" + d);
                };
                if (p == null) {
                    literal.append('%');
                    continue;
                }
                flush(out, literal);
                out.append(p);
            } else {
                literal.append(c);
            }
        }
        flush(out, literal);
        return out.toString();
    }

    private static void flush(StringBuilder out, StringBuilder literal) {
        if (!literal.isEmpty()) {
            out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
