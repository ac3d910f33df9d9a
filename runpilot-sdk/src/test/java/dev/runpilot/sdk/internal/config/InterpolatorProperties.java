package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class InterpolatorProperties {
    private final Interpolator interpolator = new Interpolator(Map.of("SET", "value", "EMPTY", ""));

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("$${}:-\n\u00e9").ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('A', 'Z').withChars('_').ofMinLength(1).ofMaxLength(8)
                .filter(name -> !name.equals("SET") && !name.equals("EMPTY"));
    }

    @Provide
    Arbitrary<String> defaults() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20).filter(text -> text.indexOf('}') < 0);
    }

    @Property
    void anEscapedTextExpandsBackToItself(@ForAll("texts") String text) {
        Interpolator.Result result = interpolator.expand(Interpolator.escape(text));

        assertThat(result.errors()).isEmpty();
        assertThat(result.text()).isEqualTo(text);
        assertThat(result.substituted()).isFalse();
    }

    @Property
    void textWithoutADollarIsLeftAlone(@ForAll("texts") String text) {
        String plain = text.replace("$", "");

        assertThat(interpolator.expand(plain).text()).isEqualTo(plain);
    }

    @Property
    void anUnsetVariableWithADefaultGivesTheDefault(@ForAll("names") String name, @ForAll("defaults") String fallback,
                                                    @ForAll("texts") String around) {
        // A literal '$' right before a reference would read as the escape; docs/job-files.md says so.
        Assume.that(!around.endsWith("$"));
        String prefix = Interpolator.escape(around);
        Interpolator.Result result = interpolator.expand(prefix + "${" + name + ":-" + fallback + "}" + prefix);

        assertThat(result.errors()).isEmpty();
        assertThat(result.text()).isEqualTo(around + fallback + around);
    }

    @Property
    void aSetVariableWinsOverItsDefault(@ForAll("defaults") String fallback) {
        assertThat(interpolator.expand("${SET:-" + fallback + "}").text()).isEqualTo("value");
        assertThat(interpolator.expand("${EMPTY:-" + fallback + "}").text()).isEqualTo(fallback);
    }

    @Property
    void anUnsetVariableWithoutADefaultIsAnErrorNamingIt(@ForAll("names") String name) {
        assertThat(interpolator.expand("x${" + name + "}y").errors()).singleElement().asString()
                .startsWith("variable " + name + " is not set");
    }
}
