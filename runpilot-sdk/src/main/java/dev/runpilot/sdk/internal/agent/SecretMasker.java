package dev.runpilot.sdk.internal.agent;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Replaces secret values in text with {@code ***}, longest value first. */
public final class SecretMasker {
    public static final String MASK = "***";

    private final List<String> values;

    public SecretMasker(Collection<String> secretValues) {
        this.values = secretValues.stream().filter(v -> !v.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String mask(String text) {
        String result = text;
        for (String value : values) {
            if (result.contains(value)) {
                result = result.replace(value, MASK);
            }
        }
        return result;
    }
}
