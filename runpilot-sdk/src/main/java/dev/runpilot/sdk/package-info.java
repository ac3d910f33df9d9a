/**
 * RunPilot's public API: build a {@link dev.runpilot.sdk.RunPilotClient} with
 * {@link dev.runpilot.sdk.RunPilot#client()}, submit {@link dev.runpilot.sdk.Job}s and follow their
 * {@link dev.runpilot.sdk.Run}s.
 *
 * <p>Every type here is immutable or thread-safe unless its documentation says otherwise. No method
 * accepts or returns {@code null}: absent values are {@link java.util.Optional}s.
 */
package dev.runpilot.sdk;
