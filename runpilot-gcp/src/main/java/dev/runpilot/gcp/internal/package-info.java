/** Implementation of the {@code gs} storage backend; no compatibility promise. */
package dev.runpilot.gcp.internal;
