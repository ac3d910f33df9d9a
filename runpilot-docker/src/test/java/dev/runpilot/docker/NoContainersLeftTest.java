package dev.runpilot.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import java.util.Arrays;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Runs after every other test class (see junit-platform.properties): the suite must leave no RunPilot container. */
@RequiresDocker
@Order(Integer.MAX_VALUE)
class NoContainersLeftTest {
    @Test
    void theSuiteLeftNoContainerWithRunPilotLabels(TestDocker docker) {
        assertThat(docker.runpilotContainers()).extracting(c -> Arrays.toString(c.getNames()) + " " + c.getLabels())
                .isEmpty();
        assertThat(docker.client().listContainersCmd().withShowAll(true).exec()).extracting(Container::getLabels)
                .noneMatch(labels -> labels != null && labels.containsKey(DockerRuntime.LABEL_RUN_ID));
    }
}
