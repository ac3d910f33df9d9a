package dev.runpilot.sdk.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.runpilot.sdk.MetricPoint;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricLineParserTest {
    private static final Instant TIME = Instant.parse("2024-05-01T12:00:00Z");

    private final MetricLineParser parser = new MetricLineParser(2);

    @Test
    void parsesJsonFormWithExplicitStep() {
        assertThat(parser.parse("METRIC {\"step\": 3, \"loss\": 0.81, \"accuracy\": 0.64}", TIME))
                .extracting(MetricPoint::name, MetricPoint::step, MetricPoint::value)
                .containsExactly(tuple("loss", 3L, 0.81), tuple("accuracy", 3L, 0.64));
    }

    @Test
    void pointsCarryTheLineTimeAndTheAttempt() {
        assertThat(parser.parse("METRIC loss=0.5", TIME))
                .containsExactly(new MetricPoint("loss", 0, 0.5, TIME, 2));
    }

    @Test
    void parsesKeyValueForm() {
        assertThat(parser.parse("METRIC loss=0.81 accuracy=0.64", TIME))
                .extracting(MetricPoint::name, MetricPoint::step, MetricPoint::value)
                .containsExactly(tuple("loss", 0L, 0.81), tuple("accuracy", 0L, 0.64));
    }

    @Test
    void acceptsCommasBetweenPairs() {
        assertThat(parser.parse("METRIC loss=0.81, accuracy=0.64", TIME))
                .extracting(MetricPoint::name, MetricPoint::value)
                .containsExactly(tuple("loss", 0.81), tuple("accuracy", 0.64));
    }

    @Test
    void numbersStepsFromZeroPerMetricInOrder() {
        assertThat(parser.parse("METRIC loss=0.9", TIME)).extracting(MetricPoint::step).containsExactly(0L);
        assertThat(parser.parse("METRIC loss=0.8", TIME)).extracting(MetricPoint::step).containsExactly(1L);
        assertThat(parser.parse("METRIC accuracy=0.5", TIME)).extracting(MetricPoint::step).containsExactly(0L);
        assertThat(parser.parse("METRIC loss=0.7 accuracy=0.6", TIME))
                .extracting(MetricPoint::name, MetricPoint::step)
                .containsExactly(tuple("loss", 2L), tuple("accuracy", 1L));
    }

    @Test
    void jsonFormWithoutStepIsNumberedToo() {
        assertThat(parser.parse("METRIC {\"loss\": 0.9}", TIME)).extracting(MetricPoint::step).containsExactly(0L);
        assertThat(parser.parse("METRIC {\"loss\": 0.8}", TIME)).extracting(MetricPoint::step).containsExactly(1L);
    }

    @Test
    void keyValueFormTakesAnExplicitStep() {
        assertThat(parser.parse("METRIC step=7 loss=0.5", TIME))
                .extracting(MetricPoint::name, MetricPoint::step, MetricPoint::value)
                .containsExactly(tuple("loss", 7L, 0.5));
        assertThat(parser.parse("METRIC loss=0.4 step=8", TIME))
                .extracting(MetricPoint::name, MetricPoint::step)
                .containsExactly(tuple("loss", 8L));
    }

    @Test
    void autoStepContinuesAfterAnExplicitJsonStep() {
        parser.parse("METRIC {\"step\": 10, \"loss\": 0.81}", TIME);

        assertThat(parser.parse("METRIC loss=0.7", TIME)).extracting(MetricPoint::step).containsExactly(11L);
        assertThat(parser.parse("METRIC {\"loss\": 0.6}", TIME)).extracting(MetricPoint::step).containsExactly(12L);
    }

    @Test
    void explicitStepOfOneMetricDoesNotShiftAnother() {
        parser.parse("METRIC {\"step\": 10, \"loss\": 0.81}", TIME);

        assertThat(parser.parse("METRIC accuracy=0.5", TIME)).extracting(MetricPoint::step).containsExactly(0L);
    }

    @Test
    void ignoresNonNumericJsonValues() {
        assertThat(parser.parse("METRIC {\"loss\": 0.5, \"note\": \"warmup\", \"done\": true, \"nested\": {\"a\": 1}, \"list\": [1]}", TIME))
                .extracting(MetricPoint::name, MetricPoint::value)
                .containsExactly(tuple("loss", 0.5));
    }

    @Test
    void jsonLineWithOnlyNonNumericValuesYieldsNothing() {
        assertThat(parser.parse("METRIC {\"step\": 1, \"note\": \"warmup\"}", TIME)).isEmpty();
    }

    @Test
    void integerJsonValuesAreNumbers() {
        assertThat(parser.parse("METRIC {\"tokens\": 4096}", TIME))
                .extracting(MetricPoint::name, MetricPoint::value)
                .containsExactly(tuple("tokens", 4096.0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "METRIC {\"loss\": 0.81",             // truncated JSON
        "METRIC {loss: 0.81}",                // unquoted key
        "METRIC {\"loss\": NaN}",             // NaN is not JSON
        "METRIC [0.81]",                      // not an object
        "METRIC foo",
        "METRIC loss=abc",
        "METRIC loss=",
        "METRIC =0.5",
        "METRIC loss=0.5 junk",
        "METRIC step=abc loss=0.5",
        "METRIC 1loss=0.5",
        "METRIC loss=NaN",
        "METRIC loss=Infinity",
        "METRIC loss=-Infinity",
        "METRIC ",
        "METRIC",
        "METRICloss=0.5",
        "metric loss=0.5",
        " METRIC loss=0.5",
        "loss=0.5",
        "epoch 3 done, METRIC loss=0.5",
    })
    void malformedOrForeignLinesYieldNothing(String line) {
        assertThat(parser.parse(line, TIME)).isEmpty();
    }

    @Test
    void jsonValueTooLargeForADoubleYieldsNothing() {
        // 1e400 is valid JSON but overflows to Infinity, like "loss=Infinity" in the key=value form.
        assertThat(parser.parse("METRIC {\"loss\": 1e400}", TIME)).isEmpty();
        assertThat(parser.parse("METRIC {\"loss\": -1e400, \"accuracy\": 0.5}", TIME))
                .extracting(MetricPoint::name)
                .containsExactly("accuracy");
    }

    @Test
    void jsonFollowedByTrailingTextYieldsNothing() {
        assertThat(parser.parse("METRIC {\"loss\": 0.81} trailing", TIME)).isEmpty();
        assertThat(parser.parse("METRIC {\"loss\": 0.81} {\"loss\": 0.5}", TIME)).isEmpty();
    }

    @Test
    void malformedLineDoesNotAdvanceSteps() {
        parser.parse("METRIC loss=0.5 junk", TIME);
        parser.parse("METRIC loss=abc", TIME);

        assertThat(parser.parse("METRIC loss=0.4", TIME)).extracting(MetricPoint::step).containsExactly(0L);
    }

    @Test
    void eachParserNumbersItsOwnAttempt() {
        MetricLineParser other = new MetricLineParser(3);
        parser.parse("METRIC loss=0.9", TIME);
        parser.parse("METRIC loss=0.8", TIME);

        assertThat(other.parse("METRIC loss=0.7", TIME))
                .extracting(MetricPoint::step, MetricPoint::attempt)
                .containsExactly(tuple(0L, 3));
    }
}
