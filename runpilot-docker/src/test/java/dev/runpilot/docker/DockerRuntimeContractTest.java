package dev.runpilot.docker;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.testing.ContainerRuntimeContract;
import org.junit.jupiter.api.BeforeAll;

/**
 * The docker runtime against the runtime contract of runpilot-sdk-testing, with jobs in the local
 * busybox test image. Needs a Docker engine (skipped without one, failing under CI=true).
 */
@RequiresDocker
class DockerRuntimeContractTest extends ContainerRuntimeContract {
    private static TestDocker docker;

    @BeforeAll
    static void engine(TestDocker engine) {
        docker = engine;
    }

    @Override
    protected ContainerRuntime createRuntime() {
        return docker.runtime().build();
    }

    @Override
    protected Job.Builder job() {
        return super.job().image(TestDocker.BUSYBOX);
    }
}
