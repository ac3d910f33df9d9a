package dev.runpilot.sdk.internal.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations as job files spell them: {@code 90s}, {@code 2h}, {@code 1h30m},
 * {@code 1.5h}, {@code 500ms}, a number alone for seconds, or ISO-8601 such as {@code PT1H30M}.
 *
 * <p>Units are {@code d}, {@code h}, {@code m}, {@code s}, {@code ms}, {@code us} and {@code ns}; each may
 * appear once, largest first, optionally separated by spaces.
 */
final class DurationText {
    private static final Pattern PART = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h|d)");
    private static final String[] UNITS = {"d", "h", "m", "s", "ms", "us", "ns"};
    private static final long[] UNIT_NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
        1_000_000_000L, 1_000_000L, 1_000L, 1L};
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private DurationText() {
    }

    /** Parses a duration; returns empty when the text is not one. */
    static Optional<Duration> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        char first = Character.toUpperCase(trimmed.charAt(0));
        if (first == 'P' || ((first == '-' || first == '+') && trimmed.length() > 1
                && Character.toUpperCase(trimmed.charAt(1)) == 'P')) {
            try {
                return Optional.of(Duration.parse(trimmed));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (first == '-') {
            return parseUnsigned(trimmed.substring(1)).map(Duration::negated);
        }
        return parseUnsigned(trimmed);
    }

    private static Optional<Duration> parseUnsigned(String text) {
        if (!text.isEmpty() && text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        return parseUnits(text);
    }

    private static Optional<Duration> parseUnits(String text) {
        Matcher matcher = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        int lastUnit = -1;
        while (matcher.find() && matcher.start() == end) {
            int unit = indexOf(matcher.group(2));
            if (unit <= lastUnit) {
                return Optional.empty();
            }
            lastUnit = unit;
            nanos = nanos.add(new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS[unit])));
            end = matcher.end();
        }
        if (end != text.length() || lastUnit < 0) {
            return Optional.empty();
        }
        BigInteger[] split = nanos.toBigInteger().divideAndRemainder(NANOS_PER_SECOND);
        if (split[0].bitLength() >= 63) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(split[0].longValueExact(), split[1].longValueExact()));
    }

    private static int indexOf(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return i;
            }
        }
        throw new IllegalArgumentException(unit);
    }

    /** Writes a duration in the short form ({@code 1h30m}) when it has whole milliseconds, else ISO-8601. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        appendIfPositive(text, duration.toMinutesPart(), "m");
        appendIfPositive(text, duration.toSecondsPart(), "s");
        appendIfPositive(text, duration.toMillisPart(), "ms");
        return text.toString();
    }

    private static void appendIfPositive(StringBuilder text, long value, String unit) {
        if (value > 0) {
            text.append(value).append(unit);
        }
    }
}
