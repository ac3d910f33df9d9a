package dev.runpilot.sdk.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IgnoreRulesTest {
    private static IgnoreRules rules(String... lines) {
        return IgnoreRules.empty().plus(List.of(lines), "", "test");
    }

    @Test
    void patternWithoutSlashMatchesTheNameAtAnyDepth() {
        IgnoreRules rules = rules("*.log");
        assertThat(rules.isIgnored("a.log", false)).isTrue();
        assertThat(rules.isIgnored("deep/er/b.log", false)).isTrue();
        assertThat(rules.isIgnored("a.log.txt", false)).isFalse();
        assertThat(rules.isIgnored("logs/a.txt", false)).isFalse();
    }

    @Test
    void leadingSlashAnchorsToTheRoot() {
        IgnoreRules rules = rules("/build");
        assertThat(rules.isIgnored("build", true)).isTrue();
        assertThat(rules.isIgnored("build/x.o", false)).isTrue();
        assertThat(rules.isIgnored("src/build", true)).isFalse();
    }

    @Test
    void innerSlashAnchorsToo() {
        IgnoreRules rules = rules("doc/frotz");
        assertThat(rules.isIgnored("doc/frotz", true)).isTrue();
        assertThat(rules.isIgnored("a/doc/frotz", true)).isFalse();
    }

    @Test
    void trailingSlashMatchesDirectoriesOnly() {
        IgnoreRules rules = rules("cache/");
        assertThat(rules.isIgnored("cache", true)).isTrue();
        assertThat(rules.isIgnored("x/cache", true)).isTrue();
        assertThat(rules.isIgnored("cache", false)).isFalse();
        assertThat(rules.isIgnored("cache/file", false)).isTrue();
    }

    @Test
    void negationReincludesWhatAnEarlierPatternIgnored() {
        IgnoreRules rules = rules("*.csv", "!keep.csv");
        assertThat(rules.isIgnored("data.csv", false)).isTrue();
        assertThat(rules.isIgnored("keep.csv", false)).isFalse();
        assertThat(rules.isIgnored("sub/keep.csv", false)).isFalse();
    }

    @Test
    void laterPatternWins() {
        assertThat(rules("!keep.csv", "*.csv").isIgnored("keep.csv", false)).isTrue();
    }

    @Test
    void fileInsideIgnoredDirectoryCannotBeReincluded() {
        IgnoreRules rules = rules("data/", "!data/keep.csv");
        assertThat(rules.isIgnored("data/keep.csv", false)).isTrue();
    }

    @Test
    void contentsOfDirectoryCanBeIgnoredAndOneFileReincluded() {
        IgnoreRules rules = rules("data/*", "!data/keep.csv");
        assertThat(rules.isIgnored("data", true)).isFalse();
        assertThat(rules.isIgnored("data/drop.csv", false)).isTrue();
        assertThat(rules.isIgnored("data/keep.csv", false)).isFalse();
    }

    @Test
    void leadingDoubleStarMatchesInEveryDirectory() {
        IgnoreRules rules = rules("**/foo");
        assertThat(rules.isIgnored("foo", false)).isTrue();
        assertThat(rules.isIgnored("a/b/foo", false)).isTrue();
        assertThat(rules.isIgnored("a/foobar", false)).isFalse();
    }

    @Test
    void trailingDoubleStarMatchesEverythingInside() {
        IgnoreRules rules = rules("abc/**");
        assertThat(rules.isIgnored("abc", true)).isFalse();
        assertThat(rules.isIgnored("abc/x", false)).isTrue();
        assertThat(rules.isIgnored("abc/x/y", false)).isTrue();
    }

    @Test
    void innerDoubleStarMatchesZeroOrMoreDirectories() {
        IgnoreRules rules = rules("a/**/b");
        assertThat(rules.isIgnored("a/b", false)).isTrue();
        assertThat(rules.isIgnored("a/x/b", false)).isTrue();
        assertThat(rules.isIgnored("a/x/y/b", false)).isTrue();
        assertThat(rules.isIgnored("a/xb", false)).isFalse();
    }

    @Test
    void starAndQuestionMarkNeverMatchASlash() {
        IgnoreRules rules = rules("/a*b", "/c?d");
        assertThat(rules.isIgnored("aXYb", false)).isTrue();
        assertThat(rules.isIgnored("a/b", false)).isFalse();
        assertThat(rules.isIgnored("cxd", false)).isTrue();
        assertThat(rules.isIgnored("c/d", false)).isFalse();
    }

    @Test
    void bracketExpressionsSupportRangesNegationAndClasses() {
        IgnoreRules rules = rules("file[0-9].txt", "log[!a-c]", "x[[:upper:]]y", "q[]]r", "n[^x]");
        assertThat(rules.isIgnored("file7.txt", false)).isTrue();
        assertThat(rules.isIgnored("filea.txt", false)).isFalse();
        assertThat(rules.isIgnored("logd", false)).isTrue();
        assertThat(rules.isIgnored("logb", false)).isFalse();
        assertThat(rules.isIgnored("xQy", false)).isTrue();
        assertThat(rules.isIgnored("xqy", false)).isFalse();
        assertThat(rules.isIgnored("q]r", false)).isTrue();
        assertThat(rules.isIgnored("ny", false)).isTrue();
        assertThat(rules.isIgnored("nx", false)).isFalse();
    }

    @Test
    void backslashEscapesSpecialCharacters() {
        IgnoreRules rules = rules("\\#notcomment", "\\!bang", "star\\*", "trail\\ ");
        assertThat(rules.isIgnored("#notcomment", false)).isTrue();
        assertThat(rules.isIgnored("!bang", false)).isTrue();
        assertThat(rules.isIgnored("star*", false)).isTrue();
        assertThat(rules.isIgnored("starX", false)).isFalse();
        assertThat(rules.isIgnored("trail ", false)).isTrue();
    }

    @Test
    void commentsBlankLinesAndTrailingSpacesAreIgnored() {
        IgnoreRules rules = rules("# a comment", "", "   ", "name   ");
        assertThat(rules.isIgnored("name", false)).isTrue();
        assertThat(rules.isIgnored("# a comment", false)).isFalse();
    }

    @Test
    void unclosedBracketIsALiteral() {
        assertThat(rules("a[b").isIgnored("a[b", false)).isTrue();
    }

    @Test
    void regexMetacharactersAreLiterals() {
        IgnoreRules rules = rules("a.b", "(x)+", "$y^");
        assertThat(rules.isIgnored("a.b", false)).isTrue();
        assertThat(rules.isIgnored("aXb", false)).isFalse();
        assertThat(rules.isIgnored("(x)+", false)).isTrue();
        assertThat(rules.isIgnored("$y^", false)).isTrue();
    }

    @Test
    void nestedFilePatternsApplyBeneathTheirDirectoryOnly() {
        IgnoreRules rules = IgnoreRules.empty().plus(List.of("/out", "*.tmp"), "sub", "sub/.runpilotignore");
        assertThat(rules.isIgnored("sub/out", true)).isTrue();
        assertThat(rules.isIgnored("sub/deep/out", true)).isFalse();
        assertThat(rules.isIgnored("out", true)).isFalse();
        assertThat(rules.isIgnored("sub/deep/x.tmp", false)).isTrue();
        assertThat(rules.isIgnored("x.tmp", false)).isFalse();
        assertThat(rules.isIgnored("subway/x.tmp", false)).isFalse();
    }

    @Test
    void defaultsIgnoreToolDirectoriesButNotLookalikes() {
        IgnoreRules rules = IgnoreRules.empty().plus(IgnoreRules.DEFAULTS, "", "defaults");
        assertThat(rules.isIgnored(".git", true)).isTrue();
        assertThat(rules.isIgnored(".git", false)).isTrue();
        assertThat(rules.isIgnored("lib/node_modules/x.js", false)).isTrue();
        assertThat(rules.isIgnored("pkg/__pycache__/m.cpython-311.pyc", false)).isTrue();
        assertThat(rules.isIgnored("m.pyc", false)).isTrue();
        assertThat(rules.isIgnored(".venv/bin/python", false)).isTrue();
        assertThat(rules.isIgnored("target/classes", true)).isTrue();
        assertThat(rules.isIgnored("target", false)).isFalse();
        assertThat(rules.isIgnored("my.gitignore", false)).isFalse();
        assertThat(rules.isIgnored("m.py", false)).isFalse();
    }

    @Test
    void unknownCharacterClassNamesTheSourceAndLine() {
        assertThatThrownBy(() -> IgnoreRules.empty().plus(List.of("ok", "[[:nope:]]"), "", ".runpilotignore"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".runpilotignore:2")
                .hasMessageContaining("nope");
    }
}
