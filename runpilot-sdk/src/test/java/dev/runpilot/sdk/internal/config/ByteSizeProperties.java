package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class ByteSizeProperties {
    @Property
    void everySizeWrittenReadsBackEqual(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bytes) {
        assertThat(ByteSize.parse(ByteSize.format(bytes))).contains(bytes);
    }
}
