package dev.runpilot.sdk.internal.agent;

import java.util.Collection;
import java.util.List;

/**
 * Replaces secret values in text with {@code ***}. Every stretch of text covered by any secret is
 * masked as a whole, so two secrets that overlap in the text reveal nothing of either.
 */
public final class SecretMasker {
    public static final String MASK = "***";

    private final List<String> values;

    public SecretMasker(Collection<String> secretValues) {
        this.values = secretValues.stream().filter(v -> !v.isEmpty()).distinct().toList();
    }

    public String mask(String text) {
        if (values.isEmpty()) {
            return text;
        }
        boolean[] covered = null;
        for (String value : values) {
            for (int at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
                if (covered == null) {
                    covered = new boolean[text.length()];
                }
                for (int i = at; i < at + value.length(); i++) {
                    covered[i] = true;
                }
            }
        }
        if (covered == null) {
            return text;
        }
        StringBuilder result = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!covered[i]) {
                result.append(text.charAt(i));
            } else if (i == 0 || !covered[i - 1]) {
                result.append(MASK);
            }
        }
        return result.toString();
    }
}
