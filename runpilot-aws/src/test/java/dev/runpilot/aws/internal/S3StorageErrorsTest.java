package dev.runpilot.aws.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.runpilot.aws.S3Storage;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** A missing bucket, refused credentials and an unreachable endpoint each give an error naming the URI and the cause. */
class S3StorageErrorsTest {
    @Test
    void aMissingBucketIsNamedWithItsUri() {
        try (StorageBackend storage = S3Storage.builder().bucket("rp-no-such-bucket-4711").prefix("runs")
                .endpoint(Moto.endpoint()).pathStyle(true).region("us-east-1").credentialsProvider(Moto.CREDENTIALS)
                .build()) {
            assertThatThrownBy(() -> storage.put("a.txt", new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("s3://rp-no-such-bucket-4711/runs/")
                    .hasMessageContaining("bucket 'rp-no-such-bucket-4711' does not exist");
            assertThatThrownBy(() -> storage.get("a.txt"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void refusedCredentialsAreNamedWithTheCodeAndWhereCredentialsComeFrom() {
        // moto accepts any credentials, so a stub plays S3 refusing them: HEAD answers 403 without a body
        // (as S3 does), every other request the InvalidAccessKeyId error document.
        WireMockServer s3 = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        s3.start();
        try {
            s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/xml")
                    .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidAccessKeyId</Code>"
                            + "<Message>The AWS Access Key Id you provided does not exist in our records.</Message>"
                            + "<RequestId>4442587FB7D0A2F9</RequestId></Error>")));
            try (StorageBackend storage = S3Storage.builder().bucket("bucket").endpoint(URI.create(s3.baseUrl()))
                    .pathStyle(true).region("us-east-1").credentialsProvider(Moto.CREDENTIALS).build()) {
                assertThatThrownBy(() -> storage.put("logs/1.log", new ByteArrayInputStream(new byte[] {1})))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("'logs/1.log' in s3://bucket/")
                        .hasMessageContaining("refused the credentials: InvalidAccessKeyId")
                        .hasMessageContaining("AWS_ACCESS_KEY_ID");
            }
        } finally {
            s3.stop();
        }
    }

    @Test
    void anUnreachableEndpointIsNamedWithWhatToCheck() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        try (StorageBackend storage = S3Storage.builder().bucket("bucket").prefix("p").endpoint(endpoint).pathStyle(true)
                .region("us-east-1").credentialsProvider(Moto.CREDENTIALS).build()) {
            assertThatThrownBy(() -> storage.stat("k"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("s3://bucket/p/")
                    .hasMessageContaining("cannot reach the S3 endpoint " + endpoint)
                    .hasMessageContaining("Connect")
                    .satisfies(e -> assertThat(e.getCause()).isNotNull());
        }
    }
}
