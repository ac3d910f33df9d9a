/**
 * The RunPilot v1 HTTP API server ({@link dev.runpilot.sdk.server.RunPilotServer}) and the
 * administration of its tokens ({@link dev.runpilot.sdk.server.Tokens}). The paths, scopes and JSON
 * bodies are listed in {@code docs/api.md}.
 */
package dev.runpilot.sdk.server;
