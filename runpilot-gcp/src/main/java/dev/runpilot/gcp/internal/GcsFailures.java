package dev.runpilot.gcp.internal;

import dev.runpilot.sdk.StorageException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * Turns Cloud Storage client failures into {@link StorageException}s that name the storage URI, the
 * key, the cause, and what to do about it.
 */
final class GcsFailures {
    private final URI uri;
    private final GcsLocation location;
    private final String endpoint;

    GcsFailures(URI uri, GcsLocation location, String endpoint) {
        this.uri = uri;
        this.location = location;
        this.endpoint = endpoint;
    }

    /** Tells whether a 404 is about the bucket rather than the object. */
    static boolean isMissingBucket(com.google.cloud.storage.StorageException e) {
        return e.getCode() == 404 && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("bucket");
    }

    StorageException of(String action, String key, Throwable failure) {
        Throwable e = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        String what = "Cannot " + action + " '" + key + "' " + (action.equals("write") ? "to " : "in ") + uri + ": ";
        Throwable unreachable = unreachableCause(e);
        if (unreachable != null) {
            return new StorageException(what + "the Cloud Storage endpoint " + endpoint + " cannot be reached ("
                    + unreachable + "). Check the endpoint and the network.", e);
        }
        if (e instanceof com.google.cloud.storage.StorageException gcs) {
            return new StorageException(what + describe(action, gcs), e);
        }
        return new StorageException(what + e, e);
    }

    private String describe(String action, com.google.cloud.storage.StorageException e) {
        int code = e.getCode();
        String reason = e.getReason() == null ? "" : ", " + e.getReason();
        if (code == 404 && (isMissingBucket(e) || action.equals("write") || action.equals("list"))) {
            return "bucket '" + location.bucket() + "' does not exist (HTTP 404" + reason + "). Create it (gcloud "
                    + "storage buckets create gs://" + location.bucket() + ") or fix the URI.";
        }
        if (code == 401 || code == 403) {
            return "the credentials were rejected (HTTP " + code + reason + ": " + firstLine(e.getMessage())
                    + "). Check Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth "
                    + "application-default login, the attached service account) and its roles on the bucket.";
        }
        return "HTTP " + code + reason + ": " + firstLine(e.getMessage());
    }

    private static Throwable unreachableCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException) {
                return t;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
