package dev.runpilot.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LongSummaryStatistics;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryPolicyTest {
    private static final OptionalInt NO_EXIT = OptionalInt.empty();

    /** A random source that fails the test if the policy consults it. */
    private static final RandomGenerator MUST_NOT_BE_USED = () -> {
        throw new AssertionError("jitter 0 must not draw a random number");
    };

    @Test
    void defaultsAreDocumented() {
        RetryPolicy policy = RetryPolicy.builder().build();

        assertThat(policy.maxAttempts()).isEqualTo(1);
        assertThat(policy.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.multiplier()).isEqualTo(2.0);
        assertThat(policy.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.jitter()).isEqualTo(0.2);
        assertThat(policy.retryOn()).containsExactlyInAnyOrder(
                FailureReason.EXIT_CODE, FailureReason.LEASE_LOST, FailureReason.RUNTIME_ERROR, FailureReason.OOM_KILLED);
        assertThat(policy.retryOnExitCodes()).isEmpty();
    }

    @Test
    void noneIsTheDefaultPolicyWithOneAttempt() {
        assertThat(RetryPolicy.none()).isEqualTo(RetryPolicy.builder().build());
        assertThat(RetryPolicy.none().allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(1))).isFalse();
    }

    @Test
    void maxAttemptsShortcutKeepsOtherDefaults() {
        assertThat(RetryPolicy.maxAttempts(3)).isEqualTo(RetryPolicy.builder().maxAttempts(3).build());
    }

    @Test
    void retriesUntilTheLastAllowedAttempt() {
        RetryPolicy policy = RetryPolicy.maxAttempts(3);

        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(1))).isTrue();
        assertThat(policy.allowsRetry(2, FailureReason.EXIT_CODE, OptionalInt.of(1))).isTrue();
        assertThat(policy.allowsRetry(3, FailureReason.EXIT_CODE, OptionalInt.of(1))).isFalse();
        assertThat(policy.allowsRetry(4, FailureReason.EXIT_CODE, OptionalInt.of(1))).isFalse();
    }

    @Test
    void retriesOnlyDefaultReasonsByDefault() {
        RetryPolicy policy = RetryPolicy.maxAttempts(5);
        EnumSet<FailureReason> retried = EnumSet.noneOf(FailureReason.class);
        for (FailureReason reason : FailureReason.values()) {
            if (policy.allowsRetry(1, reason, NO_EXIT)) {
                retried.add(reason);
            }
        }

        assertThat(retried).containsExactlyInAnyOrder(
                FailureReason.EXIT_CODE, FailureReason.LEASE_LOST, FailureReason.RUNTIME_ERROR, FailureReason.OOM_KILLED);
    }

    @Test
    void retriesOnlyListedReasons() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(5).retryOn(FailureReason.TIMEOUT).build();

        assertThat(policy.allowsRetry(1, FailureReason.TIMEOUT, NO_EXIT)).isTrue();
        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(1))).isFalse();
        assertThat(policy.allowsRetry(1, FailureReason.LEASE_LOST, NO_EXIT)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = FailureReason.class, names = {"CANCELLED", "SIGNATURE_REJECTED", "DEPENDENCY_FAILED", "SOURCE_MISSING"})
    void neverRetriesCancelledRejectedOrDependencyFailedEvenWhenListed(FailureReason reason) {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(10).retryOn(FailureReason.values()).build();

        assertThat(policy.allowsRetry(1, reason, OptionalInt.of(1))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = FailureReason.class, names = {"CANCELLED", "SIGNATURE_REJECTED", "DEPENDENCY_FAILED", "SOURCE_MISSING"},
            mode = EnumSource.Mode.EXCLUDE)
    void retriesEveryOtherReasonWhenAllAreListed(FailureReason reason) {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(10).retryOn(FailureReason.values()).build();

        assertThat(policy.allowsRetry(1, reason, OptionalInt.of(1))).isTrue();
    }

    @Test
    void retriesOnlyListedExitCodes() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).retryOnExitCodes(75, 137).build();

        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(75))).isTrue();
        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(137))).isTrue();
        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(1))).isFalse();
        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, NO_EXIT)).isFalse();
    }

    @Test
    void exitCodeListDoesNotRestrictOtherReasons() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).retryOnExitCodes(75).build();

        assertThat(policy.allowsRetry(1, FailureReason.LEASE_LOST, NO_EXIT)).isTrue();
        assertThat(policy.allowsRetry(1, FailureReason.OOM_KILLED, OptionalInt.of(137))).isTrue();
    }

    @Test
    void emptyExitCodeListRetriesAnyNonZeroCode() {
        RetryPolicy policy = RetryPolicy.maxAttempts(2);

        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(1))).isTrue();
        assertThat(policy.allowsRetry(1, FailureReason.EXIT_CODE, OptionalInt.of(255))).isTrue();
    }

    @Test
    void delayGrowsExponentiallyFromInitialBackoff() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0).build();

        assertThat(policy.delayBefore(2, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBefore(3, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayBefore(4, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayBefore(5, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void delayUsesTheConfiguredMultiplier() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0).initialBackoff(Duration.ofMillis(200)).multiplier(3).build();

        assertThat(policy.delayBefore(2, MUST_NOT_BE_USED)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delayBefore(3, MUST_NOT_BE_USED)).isEqualTo(Duration.ofMillis(600));
        assertThat(policy.delayBefore(4, MUST_NOT_BE_USED)).isEqualTo(Duration.ofMillis(1800));
    }

    @Test
    void delayIsCappedAtMaxBackoff() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0).maxBackoff(Duration.ofSeconds(10)).build();

        assertThat(policy.delayBefore(5, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delayBefore(6, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayBefore(60, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayBefore(Integer.MAX_VALUE, MUST_NOT_BE_USED)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterKeepsDelayWithinItsFractionAndSpreadsIt() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0.2).build();
        SplittableRandom random = new SplittableRandom(42);

        LongSummaryStatistics millis = IntStream.range(0, 2_000)
                .mapToLong(i -> policy.delayBefore(3, random).toMillis())
                .summaryStatistics();

        assertThat(millis.getMin()).isBetween(1_600L, 1_700L);
        assertThat(millis.getMax()).isBetween(2_300L, 2_400L);
    }

    @Test
    void jitterAppliesAroundTheCap() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0.5).maxBackoff(Duration.ofSeconds(4)).build();
        SplittableRandom random = new SplittableRandom(7);

        for (int i = 0; i < 1_000; i++) {
            assertThat(policy.delayBefore(20, random).toMillis()).isBetween(2_000L, 6_000L);
        }
    }

    @Test
    void fullJitterNeverGivesNegativeDelay() {
        RetryPolicy policy = RetryPolicy.builder().jitter(1).build();
        SplittableRandom random = new SplittableRandom(3);

        for (int i = 0; i < 1_000; i++) {
            assertThat(policy.delayBefore(2, random).toMillis()).isBetween(0L, 2_000L);
        }
    }

    @Test
    void zeroJitterGivesTheExactDelayWithoutDrawingRandomNumbers() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0).initialBackoff(Duration.ofMillis(1_234)).build();

        assertThat(policy.delayBefore(2, MUST_NOT_BE_USED)).isEqualTo(Duration.ofMillis(1_234));
        assertThat(policy.delayBefore(3, MUST_NOT_BE_USED)).isEqualTo(Duration.ofMillis(2_468));
    }

    @Test
    void sameSeedGivesSameDelays() {
        RetryPolicy policy = RetryPolicy.builder().build();
        SplittableRandom first = new SplittableRandom(99);
        SplittableRandom second = new SplittableRandom(99);

        for (int attempt = 2; attempt < 12; attempt++) {
            assertThat(policy.delayBefore(attempt, first)).isEqualTo(policy.delayBefore(attempt, second));
        }
    }

    @Test
    void rejectsFewerThanOneAttempt() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be at least 1, was 0");
        assertThatThrownBy(() -> RetryPolicy.maxAttempts(-2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be at least 1, was -2");
    }

    @Test
    void rejectsNegativeBackoffs() {
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialBackoff must not be negative, was PT-1S");
        assertThatThrownBy(() -> RetryPolicy.builder().maxBackoff(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBackoff must not be negative, was PT-0.005S");
    }

    @Test
    void acceptsZeroBackoff() {
        RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ZERO).jitter(0.5).build();

        assertThat(policy.delayBefore(4, new SplittableRandom(1))).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsNullBackoffsNamingTheField() {
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("initialBackoff");
        assertThatThrownBy(() -> RetryPolicy.builder().maxBackoff(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("maxBackoff");
    }

    @Test
    void rejectsMultiplierBelowOneOrNotFinite() {
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multiplier must be a finite number of at least 1, was 0.5");
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multiplier must be a finite number of at least 1, was NaN");
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multiplier must be a finite number of at least 1, was Infinity");
    }

    @Test
    void rejectsJitterOutsideZeroToOne() {
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter must be between 0 and 1, was -0.1");
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter must be between 0 and 1, was NaN");
    }

    @Test
    void rejectsNullReason() {
        assertThatThrownBy(() -> RetryPolicy.builder().retryOn(FailureReason.EXIT_CODE, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("reason");
    }

    @Test
    void toBuilderRoundTripsEveryField() {
        RetryPolicy policy = fullyCustomised();

        RetryPolicy copy = policy.toBuilder().build();

        assertThat(copy).isEqualTo(policy).hasSameHashCodeAs(policy);
        assertThat(copy.maxAttempts()).isEqualTo(4);
        assertThat(copy.initialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(copy.multiplier()).isEqualTo(1.5);
        assertThat(copy.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(copy.jitter()).isEqualTo(0.1);
        assertThat(copy.retryOn()).containsExactlyInAnyOrder(FailureReason.EXIT_CODE, FailureReason.TIMEOUT);
        assertThat(copy.retryOnExitCodes()).containsExactlyInAnyOrder(75, 137);
    }

    @Test
    void changingACopiedBuilderLeavesTheOriginalAlone() {
        RetryPolicy policy = fullyCustomised();

        RetryPolicy changed = policy.toBuilder().maxAttempts(9).retryOn(FailureReason.CAPACITY).retryOnExitCodes(1).build();

        assertThat(changed).isNotEqualTo(policy);
        assertThat(policy).isEqualTo(fullyCustomised());
    }

    @Test
    void returnedSetsAreUnmodifiable() {
        RetryPolicy policy = fullyCustomised();

        assertThatThrownBy(() -> policy.retryOn().add(FailureReason.CAPACITY))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> policy.retryOnExitCodes().add(1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void equalPoliciesHaveEqualHashCodes() {
        assertThat(fullyCustomised()).isEqualTo(fullyCustomised()).hasSameHashCodeAs(fullyCustomised());
        assertThat(RetryPolicy.builder().retryOnExitCodes(137, 75).build())
                .isEqualTo(RetryPolicy.builder().retryOnExitCodes(75, 137).build());
    }

    @Test
    void policiesDifferingInAnyFieldAreNotEqual() {
        RetryPolicy base = fullyCustomised();

        assertThat(base.toBuilder().maxAttempts(5).build()).isNotEqualTo(base);
        assertThat(base.toBuilder().initialBackoff(Duration.ofMillis(251)).build()).isNotEqualTo(base);
        assertThat(base.toBuilder().multiplier(1.6).build()).isNotEqualTo(base);
        assertThat(base.toBuilder().maxBackoff(Duration.ofSeconds(31)).build()).isNotEqualTo(base);
        assertThat(base.toBuilder().jitter(0.2).build()).isNotEqualTo(base);
        assertThat(base.toBuilder().retryOn(FailureReason.EXIT_CODE).build()).isNotEqualTo(base);
        assertThat(base.toBuilder().retryOnExitCodes(75).build()).isNotEqualTo(base);
        assertThat(base).isNotEqualTo(null).isNotEqualTo("RetryPolicy");
    }

    private static RetryPolicy fullyCustomised() {
        return RetryPolicy.builder()
                .maxAttempts(4)
                .initialBackoff(Duration.ofMillis(250))
                .multiplier(1.5)
                .maxBackoff(Duration.ofSeconds(30))
                .jitter(0.1)
                .retryOn(FailureReason.EXIT_CODE, FailureReason.TIMEOUT)
                .retryOnExitCodes(75, 137)
                .build();
    }
}
