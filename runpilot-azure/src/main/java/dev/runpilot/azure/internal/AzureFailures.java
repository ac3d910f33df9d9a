package dev.runpilot.azure.internal;

import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.runpilot.sdk.StorageException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/**
 * Turns Azure SDK failures into {@link StorageException}s that name the storage URI, the key, the
 * cause, and what to do about it.
 */
final class AzureFailures {
    private final URI uri;
    private final AzureLocation location;

    AzureFailures(URI uri, AzureLocation location) {
        this.uri = uri;
        this.location = location;
    }

    boolean isMissingBlob(BlobStorageException e) {
        return e.getStatusCode() == 404 && !isMissingContainer(e);
    }

    private static boolean isMissingContainer(BlobStorageException e) {
        return e.getStatusCode() == 404 && BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode());
    }

    StorageException of(String action, String key, RuntimeException e) {
        String what = "Cannot " + action + " '" + key + "' " + (action.equals("write") ? "to " : "in ") + uri + ": ";
        if (e instanceof BlobStorageException blob) {
            return new StorageException(what + describe(blob), e);
        }
        Throwable unreachable = unreachableCause(e);
        if (unreachable != null) {
            return new StorageException(what + "the blob endpoint " + location.serviceEndpoint()
                    + " cannot be reached (" + unreachable + "). Check the endpoint and the network.", e);
        }
        return new StorageException(what + e, e);
    }

    private String describe(BlobStorageException e) {
        int status = e.getStatusCode();
        String code = e.getErrorCode() == null ? "none" : e.getErrorCode().toString();
        if (isMissingContainer(e)) {
            return "container '" + location.container() + "' does not exist in account '" + location.account()
                    + "' (HTTP 404, " + code + "). Create it (az storage container create --name "
                    + location.container() + ") or fix the URI.";
        }
        if (status == 401 || status == 403) {
            return "the credentials were rejected (HTTP " + status + ", " + code + "). Check the connection string "
                    + "(AZURE_STORAGE_CONNECTION_STRING), the account key (AZURE_STORAGE_KEY) or the identity "
                    + "DefaultAzureCredential found, and its role on the container.";
        }
        if (BlobErrorCode.INVALID_BLOCK_LIST.equals(e.getErrorCode())) {
            return "another writer replaced the blob while this upload was in progress, discarding its blocks (HTTP "
                    + status + ", " + code + "). Retry the write.";
        }
        return "HTTP " + status + ", " + code + ": " + firstLine(e.getServiceMessage());
    }

    private static Throwable unreachableCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof UnresolvedAddressException || t instanceof TimeoutException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
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
