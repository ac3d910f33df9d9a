package dev.runpilot.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * Which runs' artifacts {@link RunPilotClient#pruneArtifacts(ArtifactRetention)} deletes: those of
 * finished runs that ended longer ago than an age, except the most recently finished few.
 * Immutable.
 *
 * <pre>{@code
 * PrunedArtifacts pruned = client.pruneArtifacts(ArtifactRetention.olderThan(Duration.ofDays(30)).keepLast(10));
 * }</pre>
 *
 * @since 0.2.0
 */
public final class ArtifactRetention {
    private final Duration olderThan;
    private final int keepLast;

    private ArtifactRetention(Duration olderThan, int keepLast) {
        this.olderThan = olderThan;
        this.keepLast = keepLast;
    }

    /**
     * Deletes the artifacts of runs that finished more than {@code age} ago. Keeps none by count
     * unless {@link #keepLast(int)} says otherwise.
     *
     * @param age zero or more; zero means every finished run
     * @return the retention
     * @throws IllegalArgumentException if the age is negative
     */
    public static ArtifactRetention olderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.isNegative()) {
            throw new IllegalArgumentException("Artifact retention age must not be negative, was " + age);
        }
        return new ArtifactRetention(age, 0);
    }

    /**
     * Returns a retention that also keeps the artifacts of the {@code runs} most recently finished
     * runs, however old they are.
     *
     * @param runs zero or more
     * @return a new retention
     * @throws IllegalArgumentException if {@code runs} is negative
     */
    public ArtifactRetention keepLast(int runs) {
        if (runs < 0) {
            throw new IllegalArgumentException("keepLast must not be negative, was " + runs);
        }
        return new ArtifactRetention(olderThan, runs);
    }

    /** @return the age past which a finished run's artifacts are deleted */
    public Duration olderThan() {
        return olderThan;
    }

    /** @return how many of the most recently finished runs keep their artifacts regardless of age */
    public int keepLast() {
        return keepLast;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArtifactRetention that && olderThan.equals(that.olderThan) && keepLast == that.keepLast;
    }

    @Override
    public int hashCode() {
        return Objects.hash(olderThan, keepLast);
    }

    @Override
    public String toString() {
        return "ArtifactRetention{olderThan=" + olderThan + ", keepLast=" + keepLast + '}';
    }
}
