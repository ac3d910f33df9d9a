/**
 * Source bundles: deterministic, content-addressed tar.gz archives of a source tree with a
 * manifest, optionally signed with Ed25519 and encrypted with AES-256-GCM, and their verified,
 * safe extraction.
 *
 * <p>On the client, {@link dev.runpilot.sdk.archive.Bundler} writes a
 * {@link dev.runpilot.sdk.archive.Bundle} whose SHA-256 is its storage key. On the agent,
 * {@link dev.runpilot.sdk.archive.BundleExtractor} checks the manifest, the signature against
 * {@link dev.runpilot.sdk.archive.TrustedKeys}, every entry and every limit, and renames the result
 * into place only when all of it verified. Keys are {@link dev.runpilot.sdk.archive.SigningKey},
 * {@link dev.runpilot.sdk.archive.VerificationKey} and {@link dev.runpilot.sdk.archive.EncryptionKey},
 * kept in PEM or base64 files. Every failure is a {@link dev.runpilot.sdk.ArchiveException} with a
 * {@linkplain dev.runpilot.sdk.ArchiveException.Reason reason}.
 *
 * <p>The format, the determinism rules, the ignore syntax and the refusal reasons are described in
 * {@code docs/archives.md}. No method accepts or returns {@code null}.
 */
package dev.runpilot.sdk.archive;
