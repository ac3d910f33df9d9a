/**
 * Test support for RunPilot users and for authors of storage backends, compute providers and
 * container runtimes: contract test kits that a provider's own test extends.
 */
package dev.runpilot.sdk.testing;
