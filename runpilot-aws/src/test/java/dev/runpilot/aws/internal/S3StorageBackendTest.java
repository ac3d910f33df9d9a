package dev.runpilot.aws.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.aws.S3Storage;
import dev.runpilot.sdk.spi.PresignedUrl;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** What the S3 backend does beyond the contract: multipart staging, encryption, region detection, foreign objects. */
class S3StorageBackendTest {
    private static final int MIB = 1024 * 1024;

    private S3Client s3;
    private String bucket;

    @BeforeEach
    void createBucket() {
        s3 = Moto.client();
        bucket = Moto.newBucket(s3);
    }

    @AfterEach
    void closeClient() {
        if (s3 != null) {
            s3.close();
        }
    }

    private S3Storage.Builder storage() {
        return S3Storage.builder().bucket(bucket).prefix("runs").endpoint(Moto.endpoint()).pathStyle(true)
                .region("us-east-1").credentialsProvider(Moto.CREDENTIALS).partSize(5L * MIB).uploadConcurrency(3);
    }

    @Test
    void aMultipartObjectLandsWithItsChecksumAndLeavesNoStagingBehind() throws Exception {
        byte[] content = new byte[12 * MIB + 17];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7);
        }
        String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        try (var storage = storage().build()) {
            assertThat(storage.put("big.bin", new ByteArrayInputStream(content), "application/x-test").sha256())
                    .contains(expected);

            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("runs/big.bin"));
            assertThat(head.metadata()).containsEntry("sha256", expected);
            assertThat(head.contentType()).isEqualTo("application/x-test");
            assertThat(head.contentLength()).isEqualTo(content.length);
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).extracting(S3Object::key)
                    .containsExactly("runs/big.bin");
            assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
            try (InputStream in = storage.get("big.bin").orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
    }

    @Test
    void aFailingSourceAbortsTheUploadAndLeavesNothing() {
        InputStream failing = new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(new byte[11 * MIB]),
                new InputStream() {
                    @Override
                    public int read() throws java.io.IOException {
                        throw new java.io.IOException("the network went away");
                    }
                })));
        try (var storage = storage().build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> storage.put("broken.bin", failing))
                    .hasMessageContaining("'broken.bin'").hasMessageContaining("the network went away");
        }
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void sseS3AppliesToSingleAndMultipartWrites() {
        try (var storage = storage().encryption(S3Storage.Encryption.SSE_S3).build()) {
            storage.put("small", new ByteArrayInputStream(new byte[10]));
            storage.put("large", new ByteArrayInputStream(new byte[6 * MIB]));
        }
        for (String key : List.of("runs/small", "runs/large")) {
            assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).serverSideEncryption())
                    .as(key).isEqualTo(ServerSideEncryption.AES256);
        }
    }

    @Test
    void sseKmsUsesTheGivenKeyAndPresignedWritesMustSendIt() {
        try (var storage = storage().encryption(S3Storage.Encryption.SSE_KMS).kmsKeyId("alias/runpilot-test").build()) {
            storage.put("secret", new ByteArrayInputStream("classified".getBytes(UTF_8)));
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("runs/secret"));
            assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
            assertThat(head.ssekmsKeyId()).contains("runpilot-test");

            PresignedUrl write = storage.presign("upload", PresignedUrl.Access.WRITE, Duration.ofMinutes(1)).orElseThrow();
            assertThat(write.requiredHeaders()).containsEntry("x-amz-server-side-encryption", "aws:kms");
        }
    }

    @Test
    void theBucketRegionIsDetectedWhateverRegionTheClientStartsIn() throws Exception {
        String european = "rp-eu-" + bucket.substring(8);
        s3.createBucket(b -> b.bucket(european)
                .createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.EU_WEST_1)));
        try (S3StorageBackend storage = (S3StorageBackend) storage().bucket(european).region("us-east-1").build()) {
            assertThat(storage.bucketRegion()).isEqualTo("eu-west-1");
            storage.put("hello", new ByteArrayInputStream("bonjour".getBytes(UTF_8)));
            try (InputStream in = storage.get("hello").orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo("bonjour".getBytes(UTF_8));
            }
        }
    }

    @Test
    void anObjectWrittenByAnotherToolIsServedUnverified() throws Exception {
        s3.putObject(b -> b.bucket(bucket).key("runs/foreign.txt"), RequestBody.fromString("from the aws cli"));
        try (var storage = storage().build()) {
            assertThat(storage.stat("foreign.txt").orElseThrow().sha256()).isEmpty();
            try (InputStream in = storage.get("foreign.txt").orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo("from the aws cli".getBytes(UTF_8));
            }
        }
    }
}
