/** Implementation of the {@code az} storage backend; no compatibility promise. */
package dev.runpilot.azure.internal;
