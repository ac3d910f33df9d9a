package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.ConfigException;
import dev.runpilot.sdk.config.ConfigProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Collects the problems found while loading one job file, so that all of them are reported at once. */
final class Problems {
    private final Set<ConfigProblem> found = new LinkedHashSet<>();

    /** Records a value of the wrong type or form. */
    void wrongValue(Mark at, String field, String expected, YamlNode actual) {
        wrongValue(at, field, expected, actual.describe(), "");
    }

    /** Records a value of the wrong type or form, with advice appended to the message. */
    void wrongValue(Mark at, String field, String expected, String actual, String advice) {
        String message = "expected " + expected + ", found " + actual + (advice.isEmpty() ? "" : "; " + advice);
        found.add(new ConfigProblem(at.file(), at.line(), at.column(), field, Optional.of(expected),
                Optional.of(actual), message));
    }

    /** Records a problem that is not a wrong value (a cycle, a missing file, a conflict). */
    void add(Mark at, String field, String message) {
        found.add(new ConfigProblem(at.file(), at.line(), at.column(), field, Optional.empty(), Optional.empty(),
                message));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    int size() {
        return found.size();
    }

    /** Returns the problems ordered by file (in the order files were first named), line and column. */
    List<ConfigProblem> sorted() {
        Map<Path, Integer> fileOrder = new LinkedHashMap<>();
        found.forEach(p -> fileOrder.putIfAbsent(p.file(), fileOrder.size()));
        List<ConfigProblem> list = new ArrayList<>(found);
        list.sort(Comparator.<ConfigProblem>comparingInt(p -> fileOrder.get(p.file()))
                .thenComparingInt(ConfigProblem::line)
                .thenComparingInt(ConfigProblem::column));
        return list;
    }

    /** Throws a {@link ConfigException} naming {@code file} when any problem was recorded. */
    void throwIfAny(Path file) {
        if (!found.isEmpty()) {
            throw new ConfigException(file.toString(), sorted());
        }
    }
}
