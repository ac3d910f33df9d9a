package dev.runpilot.aws.internal;

import dev.runpilot.sdk.StorageException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns AWS SDK failures into {@link StorageException}s that name the URI, the key, the cause and what to do. */
final class S3Errors {
    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "InvalidClientTokenId");

    private S3Errors() {
    }

    /**
     * Describes a failed request.
     *
     * @param action what was being done, such as "write" or "list"
     * @param settings the backend's settings, for the URI and endpoint
     * @param key the key involved, or null for bucket-wide requests
     * @param e the SDK's exception
     */
    static StorageException translate(String action, S3Settings settings, String key, SdkException e) {
        String where = (key == null ? "" : "'" + key + "' in ") + settings.baseUri();
        return new StorageException("Cannot " + action + " " + where + ": " + explain(settings, e), e);
    }

    static String explain(S3Settings settings, SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String said = s3.awsErrorDetails() == null || s3.awsErrorDetails().errorMessage() == null
                    ? "" : " (" + s3.awsErrorDetails().errorMessage() + ")";
            if ("NoSuchBucket".equals(code)) {
                return bucketMissing(settings);
            }
            if (code != null && CREDENTIAL_CODES.contains(code)) {
                return "S3 refused the credentials: " + code + said + ". Check AWS_ACCESS_KEY_ID and"
                        + " AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_PROFILE or the instance role: RunPilot uses"
                        + " the AWS SDK's default credential chain unless S3Storage.builder().credentialsProvider(...) sets one.";
            }
            if ("AccessDenied".equals(code) || s3.statusCode() == 403) {
                return "S3 denied access (" + (code == null ? "HTTP 403" : code) + ")" + said + ". The credentials"
                        + " are valid but lack permission on bucket '" + settings.bucket() + "', or the credentials"
                        + " themselves were refused; check the IAM policy and the credential chain.";
            }
            if ("PermanentRedirect".equals(code) || s3.statusCode() == 301) {
                return "bucket '" + settings.bucket() + "' is in another region than the request was sent to" + said
                        + "; set region= in the storage URI.";
            }
            return "S3 answered HTTP " + s3.statusCode() + (code == null ? "" : " " + code) + said
                    + (s3.requestId() == null ? "" : " [request id " + s3.requestId() + "]");
        }
        Throwable root = rootCause(e);
        if (root instanceof ConnectException || root instanceof UnknownHostException
                || root instanceof NoRouteToHostException || root instanceof SocketTimeoutException) {
            return "cannot reach the S3 endpoint " + settings.endpoint().map(URI::toString).orElse("of AWS") + " ("
                    + root + "). Check that the service is running and reachable, and the endpoint= option of the"
                    + " storage URI (or AWS_ENDPOINT_URL_S3).";
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return "no AWS credentials were found (" + e.getMessage() + "). Set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance or container role.";
        }
        return String.valueOf(e.getMessage());
    }

    static String bucketMissing(S3Settings settings) {
        return "bucket '" + settings.bucket() + "' does not exist (NoSuchBucket). Create it, or correct the bucket"
                + " in the storage URI.";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable current = e;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }
}
