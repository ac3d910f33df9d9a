package dev.runpilot.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.runpilot.docker.RecordingOutput;
import dev.runpilot.sdk.LogStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Line splitting of the attach stream and the log limit, without an engine. */
class OutputTest {
    private final RecordingOutput recorded = new RecordingOutput();

    @Test
    void framesAreSplitIntoLinesPerStreamAcrossFrameBoundaries() throws Exception {
        OutputPump pump = new OutputPump(new LogBudget(Long.MAX_VALUE, 1024, recorded));
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);

        pump.onNext(frame(StreamType.STDOUT, "one\r"));
        pump.onNext(frame(StreamType.STDERR, "err-"));
        pump.onNext(frame(StreamType.STDOUT, "\ntwo "));
        pump.onNext(new Frame(StreamType.STDOUT, Arrays.copyOfRange(euro, 0, 1)));
        pump.onNext(new Frame(StreamType.STDOUT, Arrays.copyOfRange(euro, 1, 3)));
        pump.onNext(frame(StreamType.STDERR, "a\n"));
        pump.onNext(frame(StreamType.STDOUT, "\nunterminated"));
        pump.onComplete();
        pump.drain(0);

        assertThat(recorded.lines(LogStream.STDOUT)).containsExactly("one", "two €", "unterminated");
        assertThat(recorded.lines(LogStream.STDERR)).containsExactly("err-a");
    }

    @Test
    void aVeryLongLineIsHandedOverInPiecesCutBetweenCharacters() throws Exception {
        OutputPump pump = new OutputPump(new LogBudget(Long.MAX_VALUE, 1024, recorded));
        String text = "x" + "é".repeat(OutputPump.MAX_LINE);

        pump.onNext(frame(StreamType.STDOUT, text + "\n"));
        pump.drain(0);

        java.util.List<String> pieces = recorded.lines(LogStream.STDOUT);
        assertThat(pieces.size()).isGreaterThan(1);
        assertThat(pieces.stream().mapToInt(p -> p.getBytes(StandardCharsets.UTF_8).length).max().orElse(0))
                .isLessThanOrEqualTo(OutputPump.MAX_LINE);
        assertThat(pieces.stream().noneMatch(p -> p.contains("\uFFFD"))).isTrue();
        assertThat(String.join("", pieces).equals(text)).as("pieces join to the line").isTrue();
    }

    @Test
    void theLogLimitPassesTheHeadAndMetricsThenAddsTheNewestTail() {
        LogBudget budget = new LogBudget(10, 10, recorded);

        budget.offer(LogStream.STDOUT, "aaaa");     // 5 bytes
        budget.offer(LogStream.STDOUT, "bbbb");     // 10: the limit
        budget.offer(LogStream.STDOUT, "cccc");     // held
        budget.offer(LogStream.STDOUT, "METRIC x=1");
        budget.offer(LogStream.STDERR, "dddd");     // held: 10 bytes held
        budget.offer(LogStream.STDOUT, "eeee");     // held, pushes cccc out
        budget.close();
        budget.offer(LogStream.STDOUT, "late");

        assertThat(recorded.lines()).extracting(RecordingOutput.Line::text).containsExactly(
                "aaaa", "bbbb",
                "log limit of 10 bytes reached: further output is held back except METRIC lines; its last 10 bytes are added"
                        + " when the container ends",
                "METRIC x=1",
                "1 lines (5 bytes) of output were dropped by the log limit; the last 2 lines follow",
                "dddd", "eeee");
        assertThat(recorded.lines(LogStream.STDERR)).containsExactly("dddd");
    }

    @Test
    void cpuPercentIsTheShareOfAllCpusOverTheInterval() {
        StatsSampler.CpuCounters before = new StatsSampler.CpuCounters(1_000, 10_000, 4);
        StatsSampler.CpuCounters after = new StatsSampler.CpuCounters(3_000, 14_000, 4);

        assertThat(after.percentSince(before)).isEqualTo(200.0);
        assertThat(before.percentSince(before)).isNaN();
    }

    private static Frame frame(StreamType type, String text) {
        return new Frame(type, text.getBytes(StandardCharsets.UTF_8));
    }
}
