package dev.runpilot.sdk;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Thrown by {@link RunPilotClient#submit(Job)} when a job's {@link Estimate} is above the client's
 * {@linkplain RunPilotClient.Builder#maxCost(BigDecimal) maximum cost}. Nothing is submitted.
 *
 * @since 0.2.0
 */
public class CostLimitExceededException extends InvalidJobException {
    private static final long serialVersionUID = 1L;

    private final transient Estimate estimate;
    private final BigDecimal limit;

    /**
     * Creates the exception.
     *
     * @param jobName the job refused
     * @param estimate its estimate
     * @param limit the client's maximum cost in US dollars
     */
    public CostLimitExceededException(String jobName, Estimate estimate, BigDecimal limit) {
        super("Job '" + jobName + "' is estimated at " + estimate.total() + " USD on compute '" + estimate.provider()
                + "', " + estimate.total().subtract(limit) + " USD above the client's maximum cost of " + limit + " USD "
                + estimate.items() + "; shorten its timeout, pick a cheaper instance type, or raise maxCost");
        this.estimate = Objects.requireNonNull(estimate, "estimate");
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /**
     * Returns the estimate that was refused.
     *
     * @return the estimate
     */
    public Estimate estimate() {
        return estimate;
    }

    /**
     * Returns the client's maximum cost.
     *
     * @return the limit in US dollars
     */
    public BigDecimal limit() {
        return limit;
    }

    /**
     * Returns by how much the estimate is above the limit.
     *
     * @return the excess in US dollars, positive
     */
    public BigDecimal excess() {
        return estimate.total().subtract(limit);
    }
}
