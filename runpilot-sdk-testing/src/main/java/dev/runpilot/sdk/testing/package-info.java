/**
 * Test support for code that uses RunPilot and for authors of storage backends, compute providers
 * and container runtimes.
 *
 * <ul>
 *   <li>{@link dev.runpilot.sdk.testing.RunPilotTest}: a JUnit 5 extension
 *       ({@link dev.runpilot.sdk.testing.RunPilotExtension}) that injects a client, a scripted
 *       runtime, and on request a server and an agent, isolated per test method or per class.</li>
 *   <li>{@link dev.runpilot.sdk.testing.ScriptedRuntime}: a container runtime that plays scripted
 *       outcomes instead of running anything.</li>
 *   <li>{@link dev.runpilot.sdk.testing.RunPilotAssertions}: AssertJ assertions on runs.</li>
 *   <li>{@link dev.runpilot.sdk.testing.TestJobs}: small real jobs to build on.</li>
 *   <li>{@link dev.runpilot.sdk.testing.StorageBackendContract},
 *       {@link dev.runpilot.sdk.testing.ContainerRuntimeContract} and
 *       {@link dev.runpilot.sdk.testing.ComputeProviderContract}: contract test kits a provider's
 *       test extends.</li>
 * </ul>
 */
package dev.runpilot.sdk.testing;
