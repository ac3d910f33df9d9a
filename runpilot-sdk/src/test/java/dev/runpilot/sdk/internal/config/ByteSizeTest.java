package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void everyUnitIsBinaryInAnyCase() {
        assertThat(ByteSize.parse("512")).contains(512L);
        assertThat(ByteSize.parse("512b")).contains(512L);
        assertThat(ByteSize.parse("1k")).contains(1024L);
        assertThat(ByteSize.parse("512m")).contains(512L << 20);
        assertThat(ByteSize.parse("512Mi")).contains(512L << 20);
        assertThat(ByteSize.parse("4g")).contains(4L << 30);
        assertThat(ByteSize.parse("4GB")).contains(4L << 30);
        assertThat(ByteSize.parse("4GiB")).contains(4L << 30);
        assertThat(ByteSize.parse("1.5Gi")).contains(3L << 29);
        assertThat(ByteSize.parse("2 t")).contains(2L << 40);
    }

    @Test
    void refusesWhatIsNotASize() {
        assertThat(ByteSize.parse("-1g")).isEmpty();
        assertThat(ByteSize.parse("lots")).isEmpty();
        assertThat(ByteSize.parse("4x")).isEmpty();
        assertThat(ByteSize.parse("9999999p")).isEmpty();
        assertThat(ByteSize.parse("")).isEmpty();
    }
}
