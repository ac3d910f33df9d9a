package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.runpilot.sdk.ApiException;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.config.Profiles;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials from named profiles: login, logout, the permission check, and OAuth2 refresh against a token endpoint. */
class ProfilesAndLoginTest {
    @TempDir
    Path dir;

    private RunPilotServer server;
    private String token;

    @BeforeEach
    void startServer() {
        server = ServerFixture.server(dir.resolve("server"));
        token = server.tokens().createUserToken("team-a");
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void loginStoresTheProfileAndTheClientUsesIt() {
        Path clientHome = dir.resolve("client");
        Profiles profiles = Profiles.at(clientHome.resolve("config"));

        Map<String, String> who = RunPilot.login(profiles, "staging", server.uri(), token);

        assertThat(who).containsEntry("project", "team-a").containsEntry("kind", "user");
        try (RunPilotClient client = RunPilot.client().home(clientHome).profile("staging").build()) {
            assertThat(client.submit(ServerFixture.shell("via-profile", "true")).id()).startsWith("r-");
        }
    }

    @Test
    void loginWithAWrongTokenStoresNothing() {
        Profiles profiles = Profiles.at(dir.resolve("client/config"));

        assertThatThrownBy(() -> RunPilot.login(profiles, "default", server.uri(), "rpu_wrong"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
        assertThat(profiles.names()).isEmpty();
    }

    @Test
    void logoutRemovesTheStoredToken() {
        Profiles profiles = Profiles.at(dir.resolve("client/config"));
        RunPilot.login(profiles, "default", server.uri(), token);

        assertThat(profiles.logout("default")).isTrue();

        assertThat(profiles.profile("default")).hasValueSatisfying(p -> {
            assertThat(p).doesNotContainKey("token");
            assertThat(p).containsEntry("endpoint", server.uri().toString());
        });
        assertThat(profiles.logout("default")).isFalse();
    }

    @Test
    void credentialsFileOthersCanReadIsRefusedWithTheFix() throws Exception {
        Path config = dir.resolve("client/config");
        Profiles.at(config).save("default", server.uri(), token);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> RunPilot.client().home(dir.resolve("client")).profile("default").build())
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining(config.toString())
                .hasMessageContaining("chmod 600 " + config);
    }

    @Test
    void expiredTokenIsRefreshedWithTheProfilesRefreshToken() throws Exception {
        String expired = server.tokens().createUserToken("team-a");
        server.tokens().revoke(expired);
        String fresh = server.tokens().createUserToken("team-a");
        List<String> grants = new CopyOnWriteArrayList<>();
        HttpServer tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/oauth2/token", exchange -> {
            grants.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = ("{\"access_token\":\"" + fresh + "\",\"token_type\":\"Bearer\",\"refresh_token\":\"refresh-2\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        tokenEndpoint.start();
        try {
            Path clientHome = dir.resolve("client");
            Profiles profiles = Profiles.at(clientHome.resolve("config"));
            profiles.put("sso", Map.of("endpoint", server.uri().toString(), "token", expired, "refresh_token", "refresh-1",
                    "token_endpoint", "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/oauth2/token",
                    "client_id", "runpilot-cli"));

            try (RunPilotClient client = RunPilot.client().home(clientHome).profile("sso").build()) {
                assertThat(client.list().runs()).isEmpty();
            }

            assertThat(grants).singleElement().satisfies(g -> assertThat(g)
                    .contains("grant_type=refresh_token").contains("refresh_token=refresh-1").contains("client_id=runpilot-cli"));
            assertThat(profiles.profile("sso")).hasValueSatisfying(p -> assertThat(p)
                    .containsEntry("token", fresh).containsEntry("refresh_token", "refresh-2"));
        } finally {
            tokenEndpoint.stop(0);
        }
    }

    @Test
    void endpointUriIsCheckedAtBuild() {
        assertThatThrownBy(() -> RunPilot.client().endpoint(URI.create("ftp://x")).token("t").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
    }
}
