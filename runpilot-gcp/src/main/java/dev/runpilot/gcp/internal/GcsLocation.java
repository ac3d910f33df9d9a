package dev.runpilot.gcp.internal;

import dev.runpilot.sdk.ProviderException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a {@code gs} backend stores: {@code gs://bucket/prefix}, optionally with
 * {@code ?endpoint=URL} (an emulator or private endpoint), {@code project=ID} and
 * {@code kmsKeyName=projects/.../cryptoKeys/KEY} (customer-managed encryption key for new objects).
 *
 * @param bucket the bucket name
 * @param prefix the object name prefix, without leading or trailing {@code /}; may be empty
 * @param endpoint the JSON API endpoint, if not Google's
 * @param project the project, if given
 * @param kmsKeyName the Cloud KMS key new objects are encrypted with, if given
 */
public record GcsLocation(String bucket, String prefix, Optional<URI> endpoint, Optional<String> project,
                          Optional<String> kmsKeyName) {
    /** The URI scheme of Cloud Storage locations. */
    public static final String SCHEME = "gs";

    /**
     * Parses a {@code gs://} URI.
     *
     * @param uri the URI
     * @return the location
     * @throws ProviderException if the URI is not of the form {@code gs://bucket[/prefix][?params]}
     */
    public static GcsLocation parse(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme()) || uri.getAuthority() == null) {
            throw new ProviderException("Storage URI " + uri + " is not a Cloud Storage location; write it as "
                    + "gs://BUCKET[/PREFIX][?endpoint=URL&project=ID&kmsKeyName=KEY]");
        }
        String prefix = uri.getPath() == null ? "" : trimSlashes(uri.getPath());
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!name.equals("endpoint") && !name.equals("project") && !name.equals("kmsKeyName")) {
                    throw new ProviderException("Storage URI " + uri + " has an unknown parameter '" + name
                            + "'; known ones are endpoint, project and kmsKeyName. Credentials come from "
                            + "Application Default Credentials or GcsStorage.builder(), never from the URI.");
                }
                params.put(name, value);
            }
        }
        Optional<URI> endpoint = Optional.ofNullable(params.get("endpoint")).map(value -> parseEndpoint(uri, value));
        return new GcsLocation(uri.getAuthority(), prefix, endpoint, Optional.ofNullable(params.get("project")),
                Optional.ofNullable(params.get("kmsKeyName")));
    }

    private static URI parseEndpoint(URI uri, String value) {
        URI endpoint;
        try {
            endpoint = URI.create(value);
        } catch (IllegalArgumentException e) {
            endpoint = null;
        }
        if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new ProviderException("Storage URI " + uri + " has an endpoint that is not an absolute URL: '"
                    + value + "'");
        }
        return endpoint;
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }

    /**
     * Returns a copy with other settings.
     *
     * @param endpoint the endpoint
     * @param project the project
     * @param kmsKeyName the KMS key
     * @return the new location
     */
    public GcsLocation with(Optional<URI> endpoint, Optional<String> project, Optional<String> kmsKeyName) {
        return new GcsLocation(bucket, prefix, endpoint, project, kmsKeyName);
    }

    /**
     * Tells whether the endpoint is on this machine (an emulator), where no credentials are used.
     *
     * @return true for localhost and loopback addresses
     */
    public boolean isLoopbackEndpoint() {
        return endpoint.map(URI::getHost)
                .map(host -> host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"))
                .orElse(false);
    }

    /**
     * Returns the name of the object that holds a key.
     *
     * @param key a storage key
     * @return the object name
     */
    public String objectName(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /**
     * Returns the key an object name holds.
     *
     * @param objectName an object name under {@link #prefix()}
     * @return the key
     */
    public String keyOf(String objectName) {
        return prefix.isEmpty() ? objectName : objectName.substring(prefix.length() + 1);
    }

    /**
     * Returns the location as a URI with its parameters.
     *
     * @return {@code gs://bucket[/prefix][?...]}
     */
    public URI toUri() {
        Map<String, String> params = new LinkedHashMap<>();
        endpoint.ifPresent(e -> params.put("endpoint", e.toString()));
        project.ifPresent(p -> params.put("project", p));
        kmsKeyName.ifPresent(k -> params.put("kmsKeyName", k));
        String query = params.isEmpty() ? null
                : params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        try {
            return new URI(SCHEME, bucket, prefix.isEmpty() ? "" : "/" + prefix, query, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot form a URI for " + this, e);
        }
    }
}
