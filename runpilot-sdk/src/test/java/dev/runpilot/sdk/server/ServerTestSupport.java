package dev.runpilot.sdk.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on a temporary home for each test ({@link ServerFixture#server}), started, with a user token
 * of project {@code team-a} and an agent token; closed after the test.
 */
abstract class ServerTestSupport {
    @TempDir
    Path dir;

    RunPilotServer server;
    String userToken;
    String agentToken;

    @BeforeEach
    void startServer() {
        server = ServerFixture.server(dir.resolve("home"));
        userToken = server.tokens().createUserToken("team-a");
        agentToken = server.tokens().createAgentToken();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
