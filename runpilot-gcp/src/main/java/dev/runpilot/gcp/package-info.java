/**
 * The {@code gs} storage backend: RunPilot bundles, logs and artifacts in Google Cloud Storage.
 *
 * <p>{@link dev.runpilot.gcp.GcsStorage#builder()} configures one; with this module on the class path,
 * {@code RunPilot.client().storage(URI.create("gs://BUCKET/PREFIX"))} finds it through {@link java.util.ServiceLoader}.
 * Everything under {@code dev.runpilot.gcp.internal} carries no compatibility promise.
 */
package dev.runpilot.gcp;
