package dev.runpilot.sdk;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * When and how soon a failed run is tried again.
 *
 * <p>A run gets at most {@link #maxAttempts()} attempts. After a failed attempt it is queued again
 * when its {@linkplain FailureReason reason} is in {@link #retryOn()} and, for
 * {@link FailureReason#EXIT_CODE}, its exit code is in {@link #retryOnExitCodes()} (an empty set
 * means any non-zero code). The wait before attempt {@code n} is {@code initialBackoff *
 * multiplier^(n-2)}, capped at {@code maxBackoff}, then spread by ±{@code jitter} so that many runs
 * failing together do not come back together.
 *
 * <p>Defaults: one attempt (no retry); backoff 1 s, multiplier 2, cap 5 min, jitter 0.2; retried
 * reasons {@code exit_code}, {@code lease_lost}, {@code runtime_error}, {@code oom_killed}. Cancelled
 * runs, rejected signatures, failed dependencies and missing source bundles are never retried.
 *
 * <pre>{@code
 * RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofSeconds(5)).retryOnExitCodes(75).build();
 * }</pre>
 */
public final class RetryPolicy {
    private static final Set<FailureReason> NEVER_RETRIED =
            EnumSet.of(FailureReason.CANCELLED, FailureReason.SIGNATURE_REJECTED, FailureReason.DEPENDENCY_FAILED,
                    FailureReason.SOURCE_MISSING);
    private static final RetryPolicy NONE = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final Set<FailureReason> retryOn;
    private final Set<Integer> retryOnExitCodes;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.multiplier = builder.multiplier;
        this.maxBackoff = builder.maxBackoff;
        this.jitter = builder.jitter;
        this.retryOn = Set.copyOf(builder.retryOn);
        this.retryOnExitCodes = Set.copyOf(builder.retryOnExitCodes);
    }

    /**
     * Returns the policy that never retries: one attempt.
     *
     * @return the no-retry policy
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * Returns the default policy with a different number of attempts.
     *
     * @param maxAttempts the total number of attempts, at least 1
     * @return the policy
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1
     */
    public static RetryPolicy maxAttempts(int maxAttempts) {
        return builder().maxAttempts(maxAttempts).build();
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this policy's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.maxAttempts = maxAttempts;
        builder.initialBackoff = initialBackoff;
        builder.multiplier = multiplier;
        builder.maxBackoff = maxBackoff;
        builder.jitter = jitter;
        builder.retryOn = EnumSet.noneOf(FailureReason.class);
        builder.retryOn.addAll(retryOn);
        builder.retryOnExitCodes = new TreeSet<>(retryOnExitCodes);
        return builder;
    }

    /** @return the total number of attempts a run may get, at least 1 */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the wait before the second attempt */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return the factor applied to the wait after each further attempt */
    public double multiplier() {
        return multiplier;
    }

    /** @return the longest wait between two attempts, before jitter */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @return the fraction (0 to 1) by which each wait is randomly lengthened or shortened */
    public double jitter() {
        return jitter;
    }

    /** @return the failure reasons that may be retried */
    public Set<FailureReason> retryOn() {
        return retryOn;
    }

    /** @return the exit codes that may be retried; empty means any non-zero code */
    public Set<Integer> retryOnExitCodes() {
        return retryOnExitCodes;
    }

    /**
     * Returns whether a run whose attempt number {@code attempt} just ended this way gets another.
     *
     * @param attempt the number of the attempt that ended, starting at 1
     * @param reason why it did not succeed
     * @param exitCode its exit code, if it exited
     * @return true if another attempt should be queued
     */
    public boolean allowsRetry(int attempt, FailureReason reason, OptionalInt exitCode) {
        if (attempt >= maxAttempts || NEVER_RETRIED.contains(reason) || !retryOn.contains(reason)) {
            return false;
        }
        if (reason == FailureReason.EXIT_CODE && !retryOnExitCodes.isEmpty()) {
            return exitCode.isPresent() && retryOnExitCodes.contains(exitCode.getAsInt());
        }
        return true;
    }

    /**
     * Returns how long to wait before attempt number {@code attempt}, jitter included.
     *
     * @param attempt the attempt about to be queued, 2 or more
     * @param random the source of jitter
     * @return the wait, never negative
     */
    public Duration delayBefore(int attempt, RandomGenerator random) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 2));
        double capped = Math.min(base, maxBackoff.toMillis());
        double spread = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter * capped;
        return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetryPolicy that
                && maxAttempts == that.maxAttempts
                && initialBackoff.equals(that.initialBackoff)
                && Double.compare(multiplier, that.multiplier) == 0
                && maxBackoff.equals(that.maxBackoff)
                && Double.compare(jitter, that.jitter) == 0
                && retryOn.equals(that.retryOn)
                && retryOnExitCodes.equals(that.retryOnExitCodes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, retryOn, retryOnExitCodes);
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", multiplier=" + multiplier + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter
                + ", retryOn=" + new TreeSet<>(retryOn) + ", retryOnExitCodes=" + new TreeSet<>(retryOnExitCodes) + '}';
    }

    /** Builds a {@link RetryPolicy}. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 1;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private double multiplier = 2.0;
        private Duration maxBackoff = Duration.ofMinutes(5);
        private double jitter = 0.2;
        private Set<FailureReason> retryOn = EnumSet.of(
                FailureReason.EXIT_CODE, FailureReason.LEASE_LOST, FailureReason.RUNTIME_ERROR, FailureReason.OOM_KILLED);
        private Set<Integer> retryOnExitCodes = new TreeSet<>();

        private Builder() {
        }

        /**
         * Sets the total number of attempts. Default 1.
         *
         * @param maxAttempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Sets the wait before the second attempt. Default 1 s.
         *
         * @param initialBackoff zero or positive
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * Sets the factor applied to the wait after each further attempt. Default 2.
         *
         * @param multiplier 1 or more
         * @return this builder
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number of at least 1, was " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * Sets the longest wait between attempts, before jitter. Default 5 min.
         *
         * @param maxBackoff zero or positive
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * Sets the random spread of each wait, as a fraction. Default 0.2 (±20%).
         *
         * @param jitter from 0 to 1
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Sets which failure reasons are retried, replacing the default set.
         *
         * @param reasons the reasons; cancelled, signature_rejected, dependency_failed and source_missing are never retried
         * @return this builder
         */
        public Builder retryOn(FailureReason... reasons) {
            this.retryOn = EnumSet.noneOf(FailureReason.class);
            for (FailureReason reason : reasons) {
                this.retryOn.add(Objects.requireNonNull(reason, "reason"));
            }
            return this;
        }

        /**
         * Restricts retries of {@code exit_code} failures to these exit codes. Default: any non-zero code.
         *
         * @param exitCodes the exit codes worth another attempt
         * @return this builder
         */
        public Builder retryOnExitCodes(int... exitCodes) {
            this.retryOnExitCodes = new TreeSet<>();
            for (int code : exitCodes) {
                this.retryOnExitCodes.add(code);
            }
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the immutable policy
         */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(Duration value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isNegative()) {
                throw new IllegalArgumentException(field + " must not be negative, was " + value);
            }
            return value;
        }
    }
}
