/**
 * The {@code az} storage backend: RunPilot bundles, logs and artifacts in Azure Blob Storage.
 *
 * <p>{@link dev.runpilot.azure.AzureBlobStorage#builder()} configures one; with this module on the class path,
 * {@code RunPilot.client().storage(URI.create("az://ACCOUNT/CONTAINER/PREFIX"))} finds it through
 * {@link java.util.ServiceLoader}. Everything under {@code dev.runpilot.azure.internal} carries no compatibility
 * promise.
 */
package dev.runpilot.azure;
