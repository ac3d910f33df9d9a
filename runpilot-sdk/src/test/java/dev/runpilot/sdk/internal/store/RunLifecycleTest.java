package dev.runpilot.sdk.internal.store;

import static dev.runpilot.sdk.RunStatus.ASSIGNED;
import static dev.runpilot.sdk.RunStatus.CANCELLED;
import static dev.runpilot.sdk.RunStatus.CANCELLING;
import static dev.runpilot.sdk.RunStatus.FAILED;
import static dev.runpilot.sdk.RunStatus.PENDING;
import static dev.runpilot.sdk.RunStatus.QUEUED;
import static dev.runpilot.sdk.RunStatus.RUNNING;
import static dev.runpilot.sdk.RunStatus.SUCCEEDED;
import static dev.runpilot.sdk.RunStatus.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.RunStatus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RunLifecycleTest {
    /**
     * The moves the {@link RunStatus} javadoc describes. Two are implied elsewhere rather than drawn
     * there: PENDING -> FAILED (a dependency failed: reason dependency_failed, see Job.Builder#dependsOn)
     * and ASSIGNED -> FAILED (the lease lapsed before the process started and no retry is left).
     */
    private static final Map<RunStatus, Set<RunStatus>> EXPECTED = new EnumMap<>(RunStatus.class);

    static {
        EXPECTED.put(PENDING, EnumSet.of(QUEUED, CANCELLING, FAILED));
        EXPECTED.put(QUEUED, EnumSet.of(ASSIGNED, CANCELLING));
        EXPECTED.put(ASSIGNED, EnumSet.of(RUNNING, QUEUED, CANCELLING, FAILED));
        EXPECTED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, QUEUED, CANCELLING));
        EXPECTED.put(CANCELLING, EnumSet.of(CANCELLED));
        for (RunStatus status : RunStatus.values()) {
            EXPECTED.putIfAbsent(status, EnumSet.noneOf(RunStatus.class));
        }
    }

    static Stream<Arguments> everyPairOfStatuses() {
        return Stream.of(RunStatus.values()).flatMap(from -> Stream.of(RunStatus.values())
                .map(to -> Arguments.of(from, to, EXPECTED.get(from).contains(to))));
    }

    @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
    @MethodSource("everyPairOfStatuses")
    void allowsExactlyTheDocumentedMoves(RunStatus from, RunStatus to, boolean allowed) {
        assertThat(RunLifecycle.isAllowed(from, to)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @EnumSource(value = RunStatus.class, names = {"SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED"})
    void terminalStatusHasNoSuccessors(RunStatus terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        assertThat(RunLifecycle.next(terminal)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RunStatus.class)
    void nextListsTheAllowedMoves(RunStatus from) {
        assertThat(RunLifecycle.next(from)).containsExactlyInAnyOrderElementsOf(EXPECTED.get(from));
    }

    @ParameterizedTest
    @EnumSource(value = RunStatus.class, names = {"PENDING", "QUEUED", "ASSIGNED", "RUNNING"})
    void cancelReachesEveryActiveStage(RunStatus from) {
        assertThat(RunLifecycle.isAllowed(from, CANCELLING)).isTrue();
        assertThat(RunLifecycle.isAllowed(from, CANCELLED)).as("cancel goes through CANCELLING").isFalse();
    }

    @ParameterizedTest
    @EnumSource(RunStatus.class)
    void noStatusMovesToItself(RunStatus status) {
        assertThat(RunLifecycle.isAllowed(status, status)).isFalse();
    }

    @Test
    void nothingMovesBackToPending() {
        for (RunStatus from : RunStatus.values()) {
            assertThat(RunLifecycle.isAllowed(from, PENDING)).as("%s -> PENDING", from).isFalse();
        }
    }

    @Test
    void everyStatusIsReachableFromPending() {
        assertThat(reachableFrom(PENDING)).containsExactlyInAnyOrder(RunStatus.values());
    }

    @ParameterizedTest
    @EnumSource(value = RunStatus.class, names = {"PENDING", "QUEUED", "ASSIGNED", "RUNNING", "CANCELLING"})
    void everyActiveStatusCanStillFinish(RunStatus active) {
        assertThat(active.isTerminal()).isFalse();
        assertThat(reachableFrom(active)).anyMatch(RunStatus::isTerminal);
    }

    @Test
    void nextReturnsAnUnmodifiableCopy() {
        Set<RunStatus> next = RunLifecycle.next(QUEUED);

        assertThatThrownBy(() -> next.add(SUCCEEDED)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(RunLifecycle.isAllowed(QUEUED, SUCCEEDED)).isFalse();
    }

    private static Set<RunStatus> reachableFrom(RunStatus start) {
        Set<RunStatus> seen = EnumSet.of(start);
        Deque<RunStatus> todo = new ArrayDeque<>(seen);
        while (!todo.isEmpty()) {
            for (RunStatus next : RunLifecycle.next(todo.pop())) {
                if (seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }
}
