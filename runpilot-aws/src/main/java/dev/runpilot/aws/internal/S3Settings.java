package dev.runpilot.aws.internal;

import dev.runpilot.aws.S3Storage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Everything an S3 backend is configured with, from {@link S3Storage.Builder} or an
 * {@code s3://bucket/prefix?option=value} URI.
 */
public record S3Settings(String bucket, String prefix, Optional<String> region, Optional<URI> endpoint,
                         boolean pathStyle, Optional<AwsCredentialsProvider> credentialsProvider,
                         S3Storage.Encryption encryption, Optional<String> kmsKeyId, long partSize,
                         int uploadConcurrency) {
    public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
    public static final int DEFAULT_UPLOAD_CONCURRENCY = 4;
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    private static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    private static final Set<String> OPTIONS =
            Set.of("endpoint", "region", "pathStyle", "sse", "kmsKeyId", "partSize", "uploadConcurrency");

    /** Checks the values and normalises the prefix to end with {@code /} (or be empty). */
    public S3Settings {
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("S3 storage needs a bucket name");
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("S3 part size must be between 5 MiB and 5 GiB, was " + partSize
                    + " bytes (bucket " + bucket + ")");
        }
        if (uploadConcurrency < 1) {
            throw new IllegalArgumentException("S3 upload concurrency must be at least 1, was " + uploadConcurrency);
        }
        if (kmsKeyId.isPresent() && encryption != S3Storage.Encryption.SSE_KMS) {
            throw new IllegalArgumentException("kmsKeyId is only used with SSE-KMS (sse=aws:kms); bucket " + bucket);
        }
    }

    /** The base URI, {@code s3://bucket/prefix}, without options: what errors and {@code uri()} name. */
    public URI baseUri() {
        return URI.create("s3://" + bucket + "/" + prefix.replace(" ", "%20"));
    }

    /**
     * Reads an {@code s3://bucket/prefix?endpoint=...&pathStyle=true&region=...&sse=AES256|aws:kms&kmsKeyId=...&partSize=...&uploadConcurrency=...} URI.
     *
     * @throws IllegalArgumentException naming the URI and the bad part
     */
    static S3Settings fromUri(URI uri) {
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Not an s3:// URI: " + uri);
        }
        String bucket = uri.getRawAuthority();
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("Storage URI " + uri + " names no bucket; write it as s3://bucket/prefix");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        Map<String, String> options = query(uri);
        for (String name : options.keySet()) {
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("Storage URI " + withoutQuery(uri) + " has the unknown option '" + name
                        + "'; known options: " + String.join(", ", OPTIONS.stream().sorted().toList()));
            }
        }
        S3Storage.Encryption encryption = switch (options.getOrDefault("sse", "").toLowerCase(Locale.ROOT)) {
            case "" -> S3Storage.Encryption.BUCKET_DEFAULT;
            case "aes256", "sse-s3" -> S3Storage.Encryption.SSE_S3;
            case "aws:kms", "sse-kms" -> S3Storage.Encryption.SSE_KMS;
            default -> throw new IllegalArgumentException("Storage URI " + withoutQuery(uri) + ": sse must be AES256 (SSE-S3)"
                    + " or aws:kms (SSE-KMS), was '" + options.get("sse") + "'");
        };
        return new S3Settings(bucket, path, Optional.ofNullable(options.get("region")),
                Optional.ofNullable(options.get("endpoint")).map(URI::create),
                Boolean.parseBoolean(options.getOrDefault("pathStyle", "false")), Optional.empty(), encryption,
                Optional.ofNullable(options.get("kmsKeyId")),
                number(uri, options, "partSize", DEFAULT_PART_SIZE),
                (int) number(uri, options, "uploadConcurrency", DEFAULT_UPLOAD_CONCURRENCY));
    }

    private static long number(URI uri, Map<String, String> options, String name, long fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Storage URI " + withoutQuery(uri) + ": " + name + " must be a whole number, was '"
                    + value + "'", e);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> options = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return options;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            options.put(name, value);
        }
        return options;
    }

    private static String withoutQuery(URI uri) {
        String text = uri.toString();
        int q = text.indexOf('?');
        return q < 0 ? text : text.substring(0, q);
    }

    /** Leaves the credentials provider out: it may hold secrets. */
    @Override
    public String toString() {
        return "S3Settings{" + baseUri() + ", region=" + region.orElse("<detected>") + ", endpoint="
                + endpoint.map(URI::toString).orElse("<aws>") + ", pathStyle=" + pathStyle + ", encryption=" + encryption
                + ", partSize=" + partSize + ", uploadConcurrency=" + uploadConcurrency + '}';
    }
}
