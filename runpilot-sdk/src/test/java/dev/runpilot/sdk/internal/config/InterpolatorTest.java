package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpolatorTest {
    private final Interpolator interpolator = new Interpolator(Map.of("USER", "ada", "EMPTY", "", "NESTED", "${USER}"));

    @Test
    void referencesAreReplacedByTheirValues() {
        assertThat(interpolator.expand("hello ${USER}!")).isEqualTo(new Interpolator.Result("hello ada!", true, java.util.List.of()));
    }

    @Test
    void aDefaultIsUsedWhenTheVariableIsUnsetOrEmpty() {
        assertThat(interpolator.expand("${MISSING:-guest}").text()).isEqualTo("guest");
        assertThat(interpolator.expand("${EMPTY:-guest}").text()).isEqualTo("guest");
        assertThat(interpolator.expand("${EMPTY}").text()).isEmpty();
        assertThat(interpolator.expand("${USER:-guest}").text()).isEqualTo("ada");
        assertThat(interpolator.expand("${MISSING:-}").text()).isEmpty();
    }

    @Test
    void aDoubledDollarEscapesAReference() {
        assertThat(interpolator.expand("echo $${USER} ${USER}")).satisfies(result -> {
            assertThat(result.text()).isEqualTo("echo ${USER} ada");
            assertThat(result.errors()).isEmpty();
        });
    }

    @Test
    void aDollarWithoutABraceIsKeptSoShellLinesPassThrough() {
        assertThat(interpolator.expand("echo $HOME $$ $1 cost: 5$")).satisfies(result -> {
            assertThat(result.text()).isEqualTo("echo $HOME $$ $1 cost: 5$");
            assertThat(result.substituted()).isFalse();
        });
    }

    @Test
    void valuesAreInsertedVerbatimNotExpandedAgain() {
        assertThat(interpolator.expand("${NESTED}").text()).isEqualTo("${USER}");
    }

    @Test
    void aMissingVariableIsAnErrorNamingIt() {
        assertThat(interpolator.expand("a ${TOKEN} b ${OTHER}").errors()).containsExactly(
                "variable TOKEN is not set: set it, or give a default with ${TOKEN:-value}",
                "variable OTHER is not set: set it, or give a default with ${OTHER:-value}");
    }

    @Test
    void malformedReferencesAreErrors() {
        assertThat(interpolator.expand("${}").errors()).singleElement().asString().contains("is not a variable reference");
        assertThat(interpolator.expand("${A B}").errors()).hasSize(1);
        assertThat(interpolator.expand("${USER").errors()).singleElement().asString().startsWith("unclosed ${");
    }
}
