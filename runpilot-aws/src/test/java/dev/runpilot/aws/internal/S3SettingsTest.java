package dev.runpilot.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.aws.S3Storage;
import java.net.URI;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    @Test
    void everyOptionIsReadFromTheUri() {
        S3Settings settings = S3Settings.fromUri(URI.create("s3://my-bucket/team/runs?endpoint=http://127.0.0.1:9000"
                + "&pathStyle=true&region=eu-west-1&sse=aws:kms&kmsKeyId=alias/rp&partSize=16777216&uploadConcurrency=2"));

        assertThat(settings.bucket()).isEqualTo("my-bucket");
        assertThat(settings.prefix()).isEqualTo("team/runs/");
        assertThat(settings.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(settings.pathStyle()).isTrue();
        assertThat(settings.region()).contains("eu-west-1");
        assertThat(settings.encryption()).isEqualTo(S3Storage.Encryption.SSE_KMS);
        assertThat(settings.kmsKeyId()).contains("alias/rp");
        assertThat(settings.partSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(settings.uploadConcurrency()).isEqualTo(2);
        assertThat(settings.baseUri()).isEqualTo(URI.create("s3://my-bucket/team/runs/"));
    }

    @Test
    void aBareBucketHasNoPrefixAndTheDefaults() {
        S3Settings settings = S3Settings.fromUri(URI.create("s3://bucket"));

        assertThat(settings.prefix()).isEmpty();
        assertThat(settings.pathStyle()).isFalse();
        assertThat(settings.encryption()).isEqualTo(S3Storage.Encryption.BUCKET_DEFAULT);
        assertThat(settings.partSize()).isEqualTo(S3Settings.DEFAULT_PART_SIZE);
        assertThat(settings.baseUri()).hasToString("s3://bucket/");
    }

    @Test
    void anUnknownOptionIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> S3Settings.fromUri(URI.create("s3://bucket/p?pathstyle=true")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://bucket/p")
                .hasMessageContaining("'pathstyle'")
                .hasMessageContaining("pathStyle");
    }

    @Test
    void badValuesAreRefused() {
        assertThatThrownBy(() -> S3Settings.fromUri(URI.create("s3://bucket?sse=rot13")))
                .hasMessageContaining("AES256");
        assertThatThrownBy(() -> S3Settings.fromUri(URI.create("s3://bucket?partSize=1024")))
                .hasMessageContaining("5 MiB");
        assertThatThrownBy(() -> S3Settings.fromUri(URI.create("s3://bucket?kmsKeyId=k")))
                .hasMessageContaining("SSE-KMS");
        assertThatThrownBy(() -> S3Settings.fromUri(URI.create("s3:///just-a-path")))
                .hasMessageContaining("names no bucket");
    }
}
