package dev.runpilot.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the containers that agents which died on this host left behind. A container is ours when it carries the
 * managed-by label; its agent is dead when the labels name this host and a JVM (pid and start time) that no longer
 * runs here. Containers of live agents, of other hosts, and kept failures are left alone.
 */
final class OrphanSweeper {
    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);

    private final DockerClient client;
    private final String host;

    OrphanSweeper(DockerClient client, String host) {
        this.client = client;
        this.host = host;
    }

    /** Removes every orphan found and returns how many there were. */
    int sweep() {
        List<Container> ours = client.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(AgentIdentity.LABEL_MANAGED, AgentIdentity.MANAGED_VALUE))
                .exec();
        int removed = 0;
        for (Container container : ours) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            String name = container.getNames() == null || container.getNames().length == 0 ? container.getId()
                    : container.getNames()[0];
            if (ContainerNames.isKept(name)) {
                continue;
            }
            Optional<AgentIdentity> owner = AgentIdentity.fromLabels(labels);
            if (owner.isEmpty() || !owner.get().isDeadOn(host)) {
                continue;
            }
            log.info("Removing container {} ({}) of run {} attempt {}: its agent {} (pid {} on {}) is gone", name,
                    container.getState(), labels.get(AgentIdentity.LABEL_RUN_ID), labels.get(AgentIdentity.LABEL_ATTEMPT),
                    labels.get(AgentIdentity.LABEL_AGENT_ID), owner.get().pid(), owner.get().host());
            try {
                client.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
                removed++;
            } catch (NotFoundException e) {
                log.debug("Container {} went away by itself", Arrays.toString(container.getNames()));
            } catch (RuntimeException e) {
                log.warn("Could not remove container {} left by a dead agent: {}", name, e.getMessage());
            }
        }
        return removed;
    }
}
