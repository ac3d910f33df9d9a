package dev.runpilot.sdk.internal.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes memory sizes as job files spell them: a number of bytes, or a number with a unit such
 * as {@code 512m}, {@code 4g}, {@code 4GB}, {@code 512Mi} or {@code 1.5Gi}.
 *
 * <p>Every unit is binary, as in Docker's {@code --memory}: {@code k}, {@code m}, {@code g}, {@code t},
 * {@code p} (with or without {@code i} and {@code b}, in any case) are powers of 1024. Fractions round
 * down to whole bytes.
 */
final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([kmgtp])(i?)b?|b)?",
            Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "kmgtp";

    private ByteSize() {
    }

    /** Parses a size in bytes; returns empty when the text is not one or does not fit a long. */
    static Optional<Long> parse(String text) {
        Matcher matcher = SIZE.matcher(text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        BigDecimal bytes = new BigDecimal(matcher.group(1));
        if (matcher.group(2) != null) {
            int power = UNITS.indexOf(matcher.group(2).toLowerCase(Locale.ROOT)) + 1;
            bytes = bytes.multiply(BigDecimal.valueOf(1024).pow(power));
        }
        try {
            return Optional.of(bytes.setScale(0, RoundingMode.FLOOR).longValueExact());
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** Writes a size with the largest binary unit that divides it exactly ({@code 4Gi}), else in bytes. */
    static String format(long bytes) {
        String[] units = {"Pi", "Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
