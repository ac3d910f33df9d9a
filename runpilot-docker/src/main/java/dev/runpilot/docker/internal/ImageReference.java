package dev.runpilot.docker.internal;

import java.util.Optional;

/**
 * An image reference split the way the engine reads it: {@code [registry/]repository[:tag][@digest]}. The first
 * path component is a registry when it has a dot or a port, or is {@code localhost}; otherwise the image is on
 * Docker Hub.
 *
 * @param registry the registry host (and port), {@code docker.io} for Docker Hub
 * @param repository the repository as written, registry included when one was written
 * @param tag the tag; {@code latest} when neither a tag nor a digest was written
 * @param digest the digest, such as {@code sha256:...}, if written
 */
record ImageReference(String registry, String repository, Optional<String> tag, Optional<String> digest) {
    static final String DOCKER_HUB = "docker.io";

    static ImageReference parse(String image) {
        String rest = image.trim();
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
        int slash = rest.indexOf('/');
        String registry = DOCKER_HUB;
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
            }
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** The reference the engine is asked to inspect and run: with the tag made explicit. */
    String canonical() {
        return repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }

    /** The names the docker CLI may have stored credentials under for this registry. */
    java.util.List<String> credentialKeys() {
        if (registry.equals(DOCKER_HUB)) {
            return java.util.List.of("https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io");
        }
        return java.util.List.of(registry, "https://" + registry, "http://" + registry, "https://" + registry + "/v1/",
                "https://" + registry + "/v2/");
    }
}
