package dev.forkpoint.rollout.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Python string methods chat templates call ({@code content.split('</think>')[-1].lstrip('\n')} and kin). */
final class StringMethods {

    private StringMethods() {
    }

    static Object bind(String s, String name) {
        return switch (name) {
            case "startswith" -> (ChatTemplate.Function) (a, k) -> anyOf(a.get(0), p -> s.startsWith(p));
            case "endswith" -> (ChatTemplate.Function) (a, k) -> anyOf(a.get(0), p -> s.endsWith(p));
            case "strip" -> (ChatTemplate.Function) (a, k) -> strip(s, chars(a), true, true);
            case "lstrip" -> (ChatTemplate.Function) (a, k) -> strip(s, chars(a), true, false);
            case "rstrip" -> (ChatTemplate.Function) (a, k) -> strip(s, chars(a), false, true);
            case "split" -> (ChatTemplate.Function) (a, k) -> split(s, a.isEmpty() || a.get(0) == null ? null
                    : PyValues.str(a.get(0)), a.size() > 1 ? (int) PyValues.toLong(a.get(1)) : -1);
            case "upper" -> (ChatTemplate.Function) (a, k) -> s.toUpperCase(Locale.ROOT);
            case "lower" -> (ChatTemplate.Function) (a, k) -> s.toLowerCase(Locale.ROOT);
            case "title" -> (ChatTemplate.Function) (a, k) -> Filters.title(s);
            case "capitalize" -> (ChatTemplate.Function) (a, k) -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> (ChatTemplate.Function) (a, k) -> s.replace(PyValues.str(a.get(0)), PyValues.str(a.get(1)));
            case "find" -> (ChatTemplate.Function) (a, k) -> (long) s.indexOf(PyValues.str(a.get(0)));
            case "count" -> (ChatTemplate.Function) (a, k) -> (long) count(s, PyValues.str(a.get(0)));
            case "join" -> (ChatTemplate.Function) (a, k) -> {
                List<String> parts = new ArrayList<>();
                PyValues.iterate(a.get(0)).forEach(x -> parts.add(PyValues.str(x)));
                return String.join(s, parts);
            };
            case "isdigit" -> (ChatTemplate.Function) (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            default -> ChatTemplate.UNDEFINED;
        };
    }

    private static boolean anyOf(Object prefixes, java.util.function.Predicate<String> test) {
        if (prefixes instanceof List<?> l) {
            return l.stream().anyMatch(p -> test.test(PyValues.str(p)));
        }
        return test.test(PyValues.str(prefixes));
    }

    private static String chars(List<Object> args) {
        return args.isEmpty() || args.get(0) == null ? null : PyValues.str(args.get(0));
    }

    /** Python's strip: whitespace when {@code chars} is null, else any of those characters. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && stripped(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }

    /** Python's split: on runs of whitespace without a separator, else on each occurrence of it. */
    static List<Object> split(String s, String sep, int maxSplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            String rest = s.strip();
            while (!rest.isEmpty()) {
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(rest);
                    return out;
                }
                int i = 0;
                while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) {
                    i++;
                }
                out.add(rest.substring(0, i));
                rest = rest.substring(i).stripLeading();
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw new ChatTemplateException("split: empty separator");
        }
        int from = 0;
        while (true) {
            int i = s.indexOf(sep, from);
            if (i < 0 || (maxSplit >= 0 && out.size() == maxSplit)) {
                out.add(s.substring(from));
                return out;
            }
            out.add(s.substring(from, i));
            from = i + sep.length();
        }
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }
}
