package dev.runpilot.sdk.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IgnoreRulesPropertiesTest {
    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcXYZ019._-[]*?! #\\").ofMinLength(1).ofMaxLength(8)
                .filter(s -> !s.equals(".") && !s.equals(".."));
    }

    @Provide
    Arbitrary<String> paths() {
        return names().list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("/", parts));
    }

    @Provide
    Arbitrary<String> globs() {
        return Arbitraries.strings().withChars("abc*?/[]!-.").ofMinLength(1).ofMaxLength(10);
    }

    private static String escapeAll(String literal) {
        StringBuilder escaped = new StringBuilder();
        for (char c : literal.toCharArray()) {
            escaped.append('\\').append(c);
        }
        return escaped.toString();
    }

    @Property
    void anEscapedAnchoredPathMatchesExactlyItself(@ForAll("paths") String path, @ForAll("paths") String other) {
        String pattern = "/" + String.join("/", java.util.Arrays.stream(path.split("/")).map(
                IgnoreRulesPropertiesTest::escapeAll).toList());
        IgnoreRules rules = IgnoreRules.empty().plus(List.of(pattern), "", "p");
        assertThat(rules.isIgnoredEntry(path, false)).isTrue();
        assertThat(rules.isIgnoredEntry(other, false)).isEqualTo(other.equals(path));
    }

    @Property
    void negatingTheLastPatternReincludesEverythingItIgnored(@ForAll("globs") String glob, @ForAll("paths") String path,
            @ForAll boolean isDirectory) {
        IgnoreRules ignored = IgnoreRules.empty().plus(List.of(glob), "", "p");
        IgnoreRules negated = IgnoreRules.empty().plus(List.of(glob, "!" + glob), "", "p");
        if (ignored.isIgnoredEntry(path, isDirectory)) {
            assertThat(negated.isIgnoredEntry(path, isDirectory)).isFalse();
        }
    }

    @Property
    void starMatchesEveryNameAndDoubleStarEveryPath(@ForAll("paths") String path, @ForAll boolean isDirectory) {
        assertThat(IgnoreRules.empty().plus(List.of("*"), "", "p").isIgnored(path, isDirectory)).isTrue();
        assertThat(IgnoreRules.empty().plus(List.of("**"), "", "p").isIgnored(path, isDirectory)).isTrue();
    }

    @Property
    void anythingBeneathAnIgnoredDirectoryIsIgnored(@ForAll("names") String directory, @ForAll("paths") String rest) {
        IgnoreRules rules = IgnoreRules.empty().plus(List.of("/" + escapeAll(directory) + "/", "!**"), "", "p");
        // '!**' re-includes every entry, but cannot re-include beneath an ignored directory... except
        // that it also re-includes the directory itself, being the later pattern
        assertThat(rules.isIgnored(directory + "/" + rest, false)).isFalse();
        IgnoreRules strict = IgnoreRules.empty().plus(List.of("!**", "/" + escapeAll(directory) + "/"), "", "p");
        assertThat(strict.isIgnored(directory + "/" + rest, false)).isTrue();
    }

    @Property
    void unanchoredPatternMatchesAtEveryDepthAlike(@ForAll("globs") String glob, @ForAll("names") String name,
            @ForAll("paths") String prefix) {
        if (glob.contains("/")) {
            return;
        }
        IgnoreRules rules = IgnoreRules.empty().plus(List.of(glob), "", "p");
        assertThat(rules.isIgnoredEntry(prefix + "/" + name, false)).isEqualTo(rules.isIgnoredEntry(name, false));
    }

    @Property
    void patternsNeverThrowOnArbitraryInput(@ForAll("globs") String glob, @ForAll("paths") String path) {
        IgnoreRules rules = IgnoreRules.empty().plus(List.of(glob), "", "p");
        rules.isIgnored(path, false);
        rules.isIgnored(path, true);
    }
}
