package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DurationTextProperties {
    @Provide
    Arbitrary<Duration> durations() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 1_000_000_000_000L).map(Duration::ofMillis),
                Arbitraries.longs().between(-1_000_000_000_000_000L, Long.MAX_VALUE).map(Duration::ofNanos));
    }

    @Property
    void everyDurationWrittenReadsBackEqual(@ForAll("durations") Duration duration) {
        assertThat(DurationText.parse(DurationText.format(duration))).contains(duration);
    }
}
