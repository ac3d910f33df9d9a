/**
 * Extension points: where storage backends, compute providers and container runtimes plug in.
 *
 * <p>Each SPI has a factory found through {@link java.util.ServiceLoader}. A client resolves them
 * in this order: an instance given to its builder wins; then an explicit name or URI scheme; then
 * the highest priority. Two factories for one name is an error that says how to choose; none is an
 * error that lists what was found. A factory that fails to load is logged and skipped.
 *
 * <p>These interfaces are stable: they change only in a new major version. Every type and method
 * is non-null unless documented otherwise.
 */
package dev.runpilot.sdk.spi;
