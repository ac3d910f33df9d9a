package dev.runpilot.sdk.internal.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands <code>${VAR}</code> and <code>${VAR:-default}</code> in a string from a fixed set of variables;
 * <code>$${</code> stands for a literal <code>${</code>.
 *
 * <p><code>${VAR:-default}</code> uses the default when VAR is unset or empty; the default is literal text
 * up to the first closing brace. A dollar sign not followed by an opening brace is kept as is, so shell
 * lines such as <code>echo $HOME</code> pass through untouched.
 */
final class Interpolator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> variables;

    Interpolator(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /**
     * The outcome of expanding one string.
     *
     * @param text the expanded text (references in error are replaced by nothing)
     * @param substituted whether at least one reference was replaced
     * @param errors what was wrong, each naming the reference; empty when the expansion is good
     */
    record Result(String text, boolean substituted, List<String> errors) {
        Result {
            errors = List.copyOf(errors);
        }
    }

    /** Returns the text with every escape undone and every reference replaced. */
    Result expand(String text) {
        StringBuilder out = new StringBuilder(text.length());
        List<String> errors = new ArrayList<>();
        boolean substituted = false;
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    errors.add("unclosed ${: expected ${NAME} or ${NAME:-default} (write $${ for a literal ${)");
                    out.append(text, i, text.length());
                    break;
                }
                out.append(resolve(text.substring(i + 2, close), errors));
                substituted = true;
                i = close + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return new Result(out.toString(), substituted, errors);
    }

    private String resolve(String reference, List<String> errors) {
        int separator = reference.indexOf(":-");
        String name = separator < 0 ? reference : reference.substring(0, separator);
        if (!NAME.matcher(name).matches()) {
            errors.add("'${" + name + (separator < 0 ? "" : ":-...") + "}' is not a variable reference: expected"
                    + " ${NAME} or ${NAME:-default} (write $${ for a literal ${)");
            return "";
        }
        String value = variables.get(name);
        if (separator >= 0 && (value == null || value.isEmpty())) {
            return reference.substring(separator + 2);
        }
        if (value == null) {
            errors.add("variable " + name + " is not set: set it, or give a default with ${" + name + ":-value}");
            return "";
        }
        return value;
    }

    /** Returns the text with every reference opener escaped, so that {@link #expand} gives it back unchanged. */
    static String escape(String text) {
        return text.replace("${", "$${");
    }
}
