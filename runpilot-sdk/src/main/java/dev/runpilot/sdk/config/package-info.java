/**
 * Job files: {@link dev.runpilot.sdk.config.JobFile} loads a YAML job description into a
 * {@link dev.runpilot.sdk.Job}; {@link dev.runpilot.sdk.config.ConfigProblem} is one located problem
 * reported by {@link dev.runpilot.sdk.ConfigException}.
 *
 * <p>No method here accepts or returns {@code null}.
 */
package dev.runpilot.sdk.config;
