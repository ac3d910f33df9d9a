package dev.runpilot.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    @Test
    void aBareNameIsOnDockerHubWithTheLatestTag() {
        ImageReference ref = ImageReference.parse("python");

        assertThat(ref).isEqualTo(new ImageReference("docker.io", "python", Optional.of("latest"), Optional.empty()));
        assertThat(ref.canonical()).isEqualTo("python:latest");
        assertThat(ref.credentialKeys()).contains("https://index.docker.io/v1/");
    }

    @Test
    void aFirstComponentWithADotOrPortOrLocalhostIsTheRegistry() {
        assertThat(ImageReference.parse("127.0.0.1:5000/team/app:2").registry()).isEqualTo("127.0.0.1:5000");
        assertThat(ImageReference.parse("ghcr.io/org/app").registry()).isEqualTo("ghcr.io");
        assertThat(ImageReference.parse("localhost/app:1").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("library/python:3.11").registry()).isEqualTo("docker.io");
    }

    @Test
    void tagsAndDigestsAreKept() {
        ImageReference tagged = ImageReference.parse("127.0.0.1:5000/app:1.2");
        ImageReference pinned = ImageReference.parse("ghcr.io/org/app@sha256:abc");

        assertThat(tagged.repository()).isEqualTo("127.0.0.1:5000/app");
        assertThat(tagged.tag()).contains("1.2");
        assertThat(pinned.tag()).isEmpty();
        assertThat(pinned.digest()).contains("sha256:abc");
        assertThat(pinned.canonical()).isEqualTo("ghcr.io/org/app@sha256:abc");
    }
}
