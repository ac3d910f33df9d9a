/**
 * Agents that take runs from a RunPilot server over HTTP: {@link dev.runpilot.sdk.agent.Agent},
 * started in-process or as {@code java dev.runpilot.sdk.agent.Agent --endpoint ... } on each host.
 */
package dev.runpilot.sdk.agent;
