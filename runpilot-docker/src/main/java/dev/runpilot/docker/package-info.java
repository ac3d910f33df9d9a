/**
 * The {@code docker} container runtime: RunPilot jobs in containers on a Docker engine or a Podman socket.
 *
 * <p>{@link dev.runpilot.docker.DockerRuntime#builder()} configures one; with this module on the class path,
 * {@code RunPilot.client().runtime("docker")} (or {@code "auto"}) finds it through {@link java.util.ServiceLoader}.
 * Everything under {@code dev.runpilot.docker.internal} carries no compatibility promise.
 */
package dev.runpilot.docker;
