package dev.runpilot.docker.internal;

import dev.runpilot.sdk.PullPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The options of one runtime, as the builder documents them.
 *
 * @param endpoint the engine
 * @param tlsCertPath the directory with ca.pem, cert.pem and key.pem when TLS is verified (DOCKER_TLS_VERIFY)
 * @param dockerConfig the docker configuration directory (credentials, contexts)
 * @param workDirMount where the work directory is mounted in the container
 * @param keepOnFailure whether failed containers are kept
 * @param defaultPullPolicy the policy of jobs that set none
 * @param logLimit bytes of output streamed live per attempt
 * @param engineLogMaxFileBytes rotation size of the engine's json-file log
 * @param engineLogMaxFiles files kept by the engine's json-file log; 0 leaves the engine's settings
 * @param statsInterval time between recorded resource samples; zero for none
 */
record RuntimeSettings(EngineEndpoint endpoint, Optional<Path> tlsCertPath, Path dockerConfig, String workDirMount, boolean keepOnFailure,
                       PullPolicy defaultPullPolicy, long logLimit, long engineLogMaxFileBytes, int engineLogMaxFiles,
                       Duration statsInterval) {
    /** How much held-back output past the log limit is kept, newest first. */
    long logTailBytes() {
        return Math.min(1024 * 1024, logLimit);
    }
}
