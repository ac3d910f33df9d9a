package dev.runpilot.sdk;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which runs {@link RunPilotClient#list(RunQuery)} returns: filters, page size and page token.
 * Runs are listed newest first.
 *
 * <pre>{@code
 * RunPage page = client.list(RunQuery.builder().status(RunStatus.FAILED).label("team", "ml").limit(20).build());
 * page.nextPageToken().ifPresent(token -> ...);
 * }</pre>
 */
public final class RunQuery {
    /** The largest page {@link Builder#limit(int)} accepts. */
    public static final int MAX_LIMIT = 1000;

    private final Set<RunStatus> statuses;
    private final Optional<String> name;
    private final Map<String, String> labels;
    private final Optional<Instant> createdAfter;
    private final Optional<Instant> createdBefore;
    private final int limit;
    private final Optional<String> pageToken;

    private RunQuery(Builder b) {
        this.statuses = b.statuses.isEmpty() ? Set.of() : Set.copyOf(b.statuses);
        this.name = Optional.ofNullable(b.name);
        this.labels = Map.copyOf(b.labels);
        this.createdAfter = Optional.ofNullable(b.createdAfter);
        this.createdBefore = Optional.ofNullable(b.createdBefore);
        this.limit = b.limit;
        this.pageToken = Optional.ofNullable(b.pageToken);
    }

    /**
     * Returns a query for the first page of all runs.
     *
     * @return the query
     */
    public static RunQuery all() {
        return builder().build();
    }

    /**
     * Returns a builder with no filters and a page size of 50.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this query's settings, such as to ask for the next page.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.statuses.addAll(statuses);
        b.name = name.orElse(null);
        b.labels.putAll(labels);
        b.createdAfter = createdAfter.orElse(null);
        b.createdBefore = createdBefore.orElse(null);
        b.limit = limit;
        b.pageToken = pageToken.orElse(null);
        return b;
    }

    /** @return the statuses to match; empty matches all */
    public Set<RunStatus> statuses() {
        return statuses;
    }

    /** @return the exact job name to match, if set */
    public Optional<String> name() {
        return name;
    }

    /** @return labels that must all be present with these values */
    public Map<String, String> labels() {
        return labels;
    }

    /** @return the earliest creation time matched (inclusive), if set */
    public Optional<Instant> createdAfter() {
        return createdAfter;
    }

    /** @return the creation time before which runs match (exclusive), if set */
    public Optional<Instant> createdBefore() {
        return createdBefore;
    }

    /** @return the page size */
    public int limit() {
        return limit;
    }

    /** @return the token of the page to return, from {@link RunPage#nextPageToken()}; empty for the first */
    public Optional<String> pageToken() {
        return pageToken;
    }

    @Override
    public String toString() {
        return "RunQuery{statuses=" + statuses + ", name=" + name + ", labels=" + labels + ", createdAfter="
                + createdAfter + ", createdBefore=" + createdBefore + ", limit=" + limit + ", pageToken=" + pageToken + '}';
    }

    /** Builds a {@link RunQuery}. Not thread-safe. */
    public static final class Builder {
        private final Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
        private String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Instant createdAfter;
        private Instant createdBefore;
        private int limit = 50;
        private String pageToken;

        private Builder() {
        }

        /**
         * Matches runs in any of these statuses (added to those already set).
         *
         * @param statuses the statuses
         * @return this builder
         */
        public Builder status(RunStatus... statuses) {
            for (RunStatus status : statuses) {
                this.statuses.add(Objects.requireNonNull(status, "status"));
            }
            return this;
        }

        /**
         * Matches runs whose job has exactly this name.
         *
         * @param name the job name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Matches runs carrying this label with this value (all labels given must match).
         *
         * @param key the label key
         * @param value the label value
         * @return this builder
         */
        public Builder label(String key, String value) {
            labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Matches runs created at or after this instant.
         *
         * @param instant the earliest creation time
         * @return this builder
         */
        public Builder createdAfter(Instant instant) {
            this.createdAfter = Objects.requireNonNull(instant, "instant");
            return this;
        }

        /**
         * Matches runs created before this instant.
         *
         * @param instant the creation time bound (exclusive)
         * @return this builder
         */
        public Builder createdBefore(Instant instant) {
            this.createdBefore = Objects.requireNonNull(instant, "instant");
            return this;
        }

        /**
         * Sets the page size. Default 50.
         *
         * @param limit from 1 to {@link #MAX_LIMIT}
         * @return this builder
         */
        public Builder limit(int limit) {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * Asks for the page after the one that returned this token.
         *
         * @param pageToken a token from {@link RunPage#nextPageToken()}
         * @return this builder
         */
        public Builder pageToken(String pageToken) {
            this.pageToken = Objects.requireNonNull(pageToken, "pageToken");
            return this;
        }

        /**
         * Builds the query.
         *
         * @return the immutable query
         */
        public RunQuery build() {
            return new RunQuery(this);
        }
    }
}
