package dev.runpilot.aws.internal;

import dev.runpilot.sdk.StorageException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The S3 clients of one backend: one per region it has needed, all sharing one HTTP connection pool
 * and one credentials provider. The bucket's region is detected on first use with {@code HeadBucket}
 * (its {@code x-amz-bucket-region} header, which S3 sends even on a redirect or a refusal), so a
 * backend configured for (or defaulting to) one region still serves a bucket in another.
 */
final class S3Clients implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3Clients.class);
    private static final Region FALLBACK_REGION = Region.US_EAST_1;

    private final S3Settings settings;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final boolean ownsCredentials;
    private final Region startRegion;
    private final Map<Region, S3Client> clients = new ConcurrentHashMap<>();
    private final Map<Region, S3Presigner> presigners = new ConcurrentHashMap<>();
    private volatile Region bucketRegion;

    S3Clients(S3Settings settings) {
        this.settings = settings;
        this.http = ApacheHttpClient.builder()
                .maxConnections(Math.max(50, settings.uploadConcurrency() * 4))
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        this.ownsCredentials = settings.credentialsProvider().isEmpty();
        this.credentials = settings.credentialsProvider().orElseGet(() -> DefaultCredentialsProvider.builder().build());
        this.startRegion = settings.region().map(Region::of).orElseGet(S3Clients::defaultRegion);
    }

    /** The client for the bucket's region, detecting it on first use. */
    S3Client client() {
        return clientFor(bucketRegion());
    }

    /** A presigner for the bucket's region. */
    S3Presigner presigner() {
        return presigners.computeIfAbsent(bucketRegion(), region -> {
            S3Presigner.Builder builder = S3Presigner.builder()
                    .region(region)
                    .credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
            settings.endpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    /** The bucket's region: detected once, then remembered. */
    Region bucketRegion() {
        Region region = bucketRegion;
        if (region == null) {
            synchronized (this) {
                if (bucketRegion == null) {
                    bucketRegion = detectRegion();
                }
                region = bucketRegion;
            }
        }
        return region;
    }

    private Region detectRegion() {
        try {
            HeadBucketResponse response = clientFor(startRegion).headBucket(b -> b.bucket(settings.bucket()));
            Region region = Optional.ofNullable(response.bucketRegion())
                    .or(() -> response.sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region"))
                    .map(Region::of)
                    .orElse(startRegion);
            log.debug("Bucket {} is in region {}", settings.bucket(), region);
            return region;
        } catch (S3Exception e) {
            Optional<String> header = e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
                    ? Optional.empty()
                    : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
            if (header.isPresent()) {
                log.debug("Bucket {} is in region {} (HeadBucket answered {})", settings.bucket(), header.get(),
                        e.statusCode());
                return Region.of(header.get());
            }
            if (e.statusCode() == 404) {
                throw new StorageException("Cannot use " + settings.baseUri() + ": " + S3Errors.bucketMissing(settings), e);
            }
            // A refusal without a region (HEAD has no error body): start from the configured region and let
            // the first real request report what is wrong, with S3's error code.
            return startRegion;
        } catch (SdkException e) {
            throw S3Errors.translate("reach", settings, null, e);
        }
    }

    private S3Client clientFor(Region region) {
        return clients.computeIfAbsent(region, r -> {
            var builder = S3Client.builder()
                    .region(r)
                    .credentialsProvider(credentials)
                    .httpClient(http)
                    .forcePathStyle(settings.pathStyle());
            settings.endpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return FALLBACK_REGION;
        }
    }

    @Override
    public void close() {
        clients.values().forEach(S3Client::close);
        presigners.values().forEach(S3Presigner::close);
        http.close();
        if (ownsCredentials && credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }
}
