package dev.runpilot.sdk.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.config.Profiles;
import dev.runpilot.sdk.internal.api.ApiJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The token of a profile in the credentials file, renewed with the OAuth2 {@code refresh_token}
 * grant against the profile's token endpoint when the server refuses it; the new tokens are written
 * back to the profile.
 */
final class ProfileCredentials implements Credentials {
    private final Profiles profiles;
    private final String name;
    private volatile Map<String, String> values;

    ProfileCredentials(Profiles profiles, String name, Map<String, String> values) {
        this.profiles = profiles;
        this.name = name;
        this.values = new LinkedHashMap<>(values);
    }

    @Override
    public Optional<String> token() {
        return Optional.ofNullable(values.get("token"));
    }

    @Override
    public boolean canRefresh() {
        return values.containsKey("refresh_token") && values.containsKey("token_endpoint");
    }

    @Override
    public synchronized void refresh() {
        URI endpoint = URI.create(values.get("token_endpoint"));
        StringBuilder form = new StringBuilder("grant_type=refresh_token&refresh_token=").append(encode(values.get("refresh_token")));
        Optional.ofNullable(values.get("client_id")).ifPresent(id -> form.append("&client_id=").append(encode(id)));
        Optional.ofNullable(values.get("client_secret")).ifPresent(s -> form.append("&client_secret=").append(encode(s)));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RunPilotException("Cannot refresh the token of profile '" + name + "' at " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunPilotException("Interrupted while refreshing the token of profile '" + name + "'", e);
        }
        if (response.statusCode() != 200) {
            throw new RunPilotException("The token endpoint " + endpoint + " refused to refresh the token of profile '" + name
                    + "' (HTTP " + response.statusCode() + "). Log in again.");
        }
        JsonNode body = ApiJson.parse(response.body(), "the token endpoint's response");
        String access = body.path("access_token").asText("");
        if (access.isEmpty()) {
            throw new RunPilotException("The token endpoint " + endpoint + " answered without an access_token");
        }
        Map<String, String> next = new LinkedHashMap<>(values);
        next.put("token", access);
        if (body.path("refresh_token").isTextual()) {
            next.put("refresh_token", body.path("refresh_token").asText());
        }
        values = next;
        profiles.put(name, next);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
