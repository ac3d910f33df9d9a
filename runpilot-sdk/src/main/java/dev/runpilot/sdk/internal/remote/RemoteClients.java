package dev.runpilot.sdk.internal.remote;

import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.config.Profiles;
import dev.runpilot.sdk.internal.archive.JobSourceBundler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Opens the HTTP client of a remote control plane from an endpoint and token, or from a profile. */
public final class RemoteClients {
    /** Retries of API calls unless the builder says otherwise: 5 attempts, 200 ms doubling to 5 s, half jitter. */
    public static final RetryPolicy DEFAULT_RETRY = RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(200))
            .multiplier(2).maxBackoff(Duration.ofSeconds(5)).jitter(0.5).build();

    /** The profile key naming a PEM file of CA certificates to trust for the profile's endpoint. */
    public static final String CA_CERTIFICATE_KEY = "ca_certificate";

    private RemoteClients() {
    }

    /**
     * Opens a client. An explicit endpoint and token win over the profile's (read from {@code profiles}
     * when a profile is named or no token is given). It trusts a TLS context or the certificates of a PEM file (in this order; else
     * the profile's {@code ca_certificate}, else the JDK's default trust store), and bundles job
     * sources (keys, progress, temporary directory) with this bundler before they are uploaded; with a
     * {@code maxCost}, refuses submissions the server estimates above it.
     */
    public static RunPilotClient open(Optional<URI> endpoint, Optional<String> token, Optional<String> profile, Profiles profiles,
                                      RetryPolicy retry, Duration timeout, Optional<javax.net.ssl.SSLContext> sslContext,
                                      Optional<Path> caCertificates, JobSourceBundler sources,
                                      Optional<java.math.BigDecimal> maxCost) {
        Credentials credentials;
        URI base;
        Optional<Path> ca = caCertificates;
        if (profile.isPresent() || (token.isEmpty() && endpoint.isEmpty())) {
            String name = profile.orElse(Profiles.DEFAULT);
            Map<String, String> values = profiles.profile(name).orElseThrow(() -> new RunPilotException("No profile '" + name
                    + "' in " + profiles.file() + ". Log in first (RunPilot.login or 'runpilot login'), or give endpoint(...) and token(...)."));
            String stored = values.get("endpoint");
            if (endpoint.isEmpty() && (stored == null || stored.isBlank())) {
                throw new RunPilotException("Profile '" + name + "' in " + profiles.file() + " has no endpoint; add 'endpoint = https://...'");
            }
            base = endpoint.orElseGet(() -> URI.create(stored));
            credentials = token.isPresent() ? Credentials.fixed(token) : new ProfileCredentials(profiles, name, values);
            String profileCa = values.get(CA_CERTIFICATE_KEY);
            if (ca.isEmpty() && profileCa != null && !profileCa.isBlank()) {
                ca = Optional.of(Path.of(profileCa.trim()));
            }
        } else {
            base = endpoint.orElseThrow();
            credentials = Credentials.fixed(token);
        }
        String scheme = base.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null) {
            throw new IllegalArgumentException("Endpoint " + base + " must be an http:// or https:// URI with a host");
        }
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        Optional<javax.net.ssl.SSLContext> tls = PemTrust.choose(sslContext, ca);
        return new HttpControlPlane(new ApiTransport(base, credentials, retry, connect, timeout, tls,
                ApiTransport.BreakerSettings.DEFAULT), sources, maxCost);
    }

    /** Asks the server what a token is ({@code POST /v1/auth/login}); throws {@link dev.runpilot.sdk.ApiException} if refused. */
    public static Map<String, String> verify(URI endpoint, String token) {
        try (ApiTransport transport = new ApiTransport(endpoint, Credentials.fixed(Optional.empty()), DEFAULT_RETRY,
                Duration.ofSeconds(10), Duration.ofSeconds(30))) {
            ApiResponse response = transport.send("POST", "/v1/auth/login", dev.runpilot.sdk.internal.api.ApiJson.object().put("token", token));
            if (!response.isSuccess()) {
                throw transport.error("POST", "/v1/auth/login", response);
            }
            return dev.runpilot.sdk.internal.api.ApiJson.stringMap(response.json());
        }
    }
}
