package dev.runpilot.azure.internal;

import dev.runpilot.sdk.ProviderException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an {@code az} backend stores: {@code az://account/container/prefix}, optionally
 * {@code ?endpoint=http://127.0.0.1:10000/devstoreaccount1} for Azurite or a private cloud.
 *
 * @param account the storage account name
 * @param container the container name
 * @param prefix the key prefix inside the container, without leading or trailing {@code /}; may be empty
 * @param endpoint the blob service endpoint, if not the public {@code https://ACCOUNT.blob.core.windows.net}
 */
public record AzureLocation(String account, String container, String prefix, Optional<URI> endpoint) {
    /** The URI scheme of Azure Blob Storage locations. */
    public static final String SCHEME = "az";

    /**
     * Parses an {@code az://} URI.
     *
     * @param uri the URI
     * @return the location
     * @throws ProviderException if the URI is not of the form {@code az://account/container[/prefix]}
     */
    public static AzureLocation parse(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawPath() == null) {
            throw new ProviderException("Storage URI " + uri + " is not an Azure Blob location; write it as "
                    + "az://ACCOUNT/CONTAINER[/PREFIX][?endpoint=URL]");
        }
        String path = trimSlashes(uri.getPath());
        if (path.isEmpty()) {
            throw new ProviderException("Storage URI " + uri + " names no container; write it as "
                    + "az://ACCOUNT/CONTAINER[/PREFIX]");
        }
        int slash = path.indexOf('/');
        String container = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : trimSlashes(path.substring(slash + 1));
        Optional<URI> endpoint = Optional.empty();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.equals("endpoint")) {
                    endpoint = Optional.of(parseEndpoint(uri, value));
                } else {
                    throw new ProviderException("Storage URI " + uri + " has an unknown parameter '" + name
                            + "'; the only one is 'endpoint'. Pass credentials through the environment or "
                            + "AzureBlobStorage.builder(), never in the URI.");
                }
            }
        }
        return new AzureLocation(uri.getHost().toLowerCase(Locale.ROOT), container, prefix, endpoint);
    }

    private static URI parseEndpoint(URI uri, String value) {
        try {
            URI endpoint = URI.create(value);
            if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return endpoint;
        } catch (IllegalArgumentException e) {
            throw new ProviderException("Storage URI " + uri + " has an endpoint that is not an absolute URL: '"
                    + value + "' (" + e.getMessage() + ")");
        }
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
     * Returns the blob service endpoint: the override, or the public one of the account.
     *
     * @return the endpoint URL
     */
    public String serviceEndpoint() {
        return endpoint.map(URI::toString).orElse("https://" + account + ".blob.core.windows.net");
    }

    /**
     * Returns the name of the blob that holds a key.
     *
     * @param key a storage key
     * @return the blob name
     */
    public String blobName(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /**
     * Returns the key a blob name holds.
     *
     * @param blobName a blob name under {@link #prefix()}
     * @return the key
     */
    public String keyOf(String blobName) {
        return prefix.isEmpty() ? blobName : blobName.substring(prefix.length() + 1);
    }

    /**
     * Returns the location as a URI, with the endpoint override if there is one.
     *
     * @return {@code az://account/container[/prefix][?endpoint=...]}
     */
    public URI toUri() {
        String path = "/" + container + (prefix.isEmpty() ? "" : "/" + prefix);
        try {
            return new URI(SCHEME, account, path, endpoint.map(e -> "endpoint=" + e).orElse(null), null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot form a URI for " + this, e);
        }
    }
}
