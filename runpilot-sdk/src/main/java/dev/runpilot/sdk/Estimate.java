package dev.runpilot.sdk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;

/**
 * What running a job once is expected to cost, in US dollars, with its breakdown.
 *
 * <p>Returned by {@link RunPilotClient#estimate(Job)}. An estimate assumes the run lasts its whole
 * {@link Job#timeout() timeout} (a job without one is costed for one hour); it is an upper bound for
 * one attempt, not a bill.
 *
 * <pre>{@code
 * Estimate estimate = client.estimate(job);
 * System.out.println(estimate.total() + " USD: " + estimate.items());
 * }</pre>
 *
 * @param provider the compute provider that made it, such as {@code ec2}
 * @param items the parts it adds up, in order
 * @since 0.2.0
 */
public record Estimate(String provider, List<Item> items) {
    /** Checks and copies the values. */
    public Estimate {
        Objects.requireNonNull(provider, "provider");
        items = List.copyOf(items);
    }

    /**
     * Returns an estimate of nothing, for a provider that brings up nothing billable.
     *
     * @param provider the provider's name
     * @return a zero estimate with no items
     */
    public static Estimate free(String provider) {
        return new Estimate(provider, List.of());
    }

    /**
     * Returns the sum of the items, in US dollars, rounded to the cent (half up).
     *
     * @return the total, zero when there are no items
     */
    public BigDecimal total() {
        return items.stream().map(Item::usd).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2, RoundingMode.HALF_UP);
    }

    /**
     * One part of an estimate.
     *
     * @param name what is paid for, such as {@code instance t3.small} or {@code storage}
     * @param usd its cost in US dollars, unrounded, zero or more
     * @param basis how it was worked out, such as {@code 0.0208 USD/h x 2h (us-east-1 on-demand, 2026-11-01)}
     */
    public record Item(String name, BigDecimal usd, String basis) {
        /** Checks the values. */
        public Item {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(usd, "usd");
            Objects.requireNonNull(basis, "basis");
            if (usd.signum() < 0) {
                throw new IllegalArgumentException("cost of " + name + " must not be negative, was " + usd);
            }
        }
    }
}
