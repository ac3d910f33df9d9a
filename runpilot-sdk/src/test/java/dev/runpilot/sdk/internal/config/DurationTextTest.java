package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void readsTheShortFormsIsoAndBareSeconds() {
        assertThat(DurationText.parse("90s")).contains(Duration.ofSeconds(90));
        assertThat(DurationText.parse("2h")).contains(Duration.ofHours(2));
        assertThat(DurationText.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(DurationText.parse("1h 30m 15s")).contains(Duration.ofSeconds(5415));
        assertThat(DurationText.parse("1.5h")).contains(Duration.ofMinutes(90));
        assertThat(DurationText.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(DurationText.parse("1d")).contains(Duration.ofDays(1));
        assertThat(DurationText.parse("3us")).contains(Duration.ofNanos(3000));
        assertThat(DurationText.parse("PT1H30M")).contains(Duration.ofMinutes(90));
        assertThat(DurationText.parse("p2d")).contains(Duration.ofDays(2));
        assertThat(DurationText.parse("45")).contains(Duration.ofSeconds(45));
        assertThat(DurationText.parse("-5s")).contains(Duration.ofSeconds(-5));
    }

    @Test
    void refusesWhatIsNotADuration() {
        assertThat(DurationText.parse("soon")).isEmpty();
        assertThat(DurationText.parse("")).isEmpty();
        assertThat(DurationText.parse("30m1h")).isEmpty();
        assertThat(DurationText.parse("1h1h")).isEmpty();
        assertThat(DurationText.parse("1.5")).isEmpty();
        assertThat(DurationText.parse("5 minutes")).isEmpty();
        assertThat(DurationText.parse("PT")).isEmpty();
        assertThat(DurationText.parse("99999999999999999999d")).isEmpty();
    }

    @Test
    void writesTheShortestShortForm() {
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationText.format(Duration.ofNanos(5))).isEqualTo("PT0.000000005S");
    }
}
