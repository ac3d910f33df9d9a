package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvFileTest {
    private final Path file = Path.of(".env");
    private final Problems problems = new Problems();

    private Map<String, String> parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        DotEnvFile.parse(file, text, problems).forEach((name, variable) -> values.put(name, variable.value()));
        return values;
    }

    @Test
    void readsKeyValueLinesSkippingCommentsAndBlankLines() {
        assertThat(parse("""
                # a comment

                A=1
                  B = two words   # trailing comment
                C=x#not-a-comment
                D=
                """)).containsExactly(Map.entry("A", "1"), Map.entry("B", "two words"), Map.entry("C", "x#not-a-comment"),
                Map.entry("D", ""));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void understandsTheExportPrefixAndBothQuotes() {
        assertThat(parse("""
                export TOKEN=abc
                SINGLE='no $escapes \\n here' # comment
                DOUBLE="line1\\nline2 \\"quoted\\" \\$HOME"
                MULTI="first
                second"
                exported=1
                """)).containsExactly(Map.entry("TOKEN", "abc"), Map.entry("SINGLE", "no $escapes \\n here"),
                Map.entry("DOUBLE", "line1\nline2 \"quoted\" $HOME"), Map.entry("MULTI", "first\nsecond"),
                Map.entry("exported", "1"));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void aKeySetTwiceKeepsItsLastValueAndCrlfLinesWork() {
        assertThat(parse("A=1\r\nA=2\r\n")).containsExactly(Map.entry("A", "2"));
    }

    @Test
    void malformedLinesAreLocatedAndTheRestStillRead() {
        Map<String, String> values = parse("""
                1BAD=x
                NOEQUALS
                OK=yes
                Q='open
                AFTER="x" y
                """);

        assertThat(values).containsExactly(Map.entry("OK", "yes"));
        assertThat(problems.sorted()).extracting(p -> p.line() + ":" + p.column()).containsExactly("1:1", "2:9", "4:3", "5:11");
    }
}
