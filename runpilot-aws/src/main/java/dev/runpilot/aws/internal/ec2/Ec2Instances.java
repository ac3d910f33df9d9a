package dev.runpilot.aws.internal.ec2;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Finds the instances RunPilot launched (by their tags) and terminates them. */
public final class Ec2Instances {
    private static final Logger log = LoggerFactory.getLogger(Ec2Instances.class);
    /** Every state in which an instance still exists (and may cost money). */
    static final List<String> LIVE_STATES = List.of("pending", "running", "stopping", "stopped", "shutting-down");

    private final Ec2Client ec2;
    private final String owner;

    public Ec2Instances(Ec2Client ec2, String owner) {
        this.ec2 = ec2;
        this.owner = owner;
    }

    /** Returns every live instance this owner's RunPilot launched. */
    public List<Instance> managed() {
        return find(List.of());
    }

    /** Returns the live instances launched for one run. */
    public List<Instance> forRun(String runId) {
        return find(List.of(Filter.builder().name("tag:" + Ec2Tags.RUN_ID).values(runId).build()));
    }

    /** Returns the live instances launched by one launch request. */
    List<Instance> forLaunch(String launchId) {
        return find(List.of(Filter.builder().name("tag:" + Ec2Tags.LAUNCH_ID).values(launchId).build()));
    }

    private List<Instance> find(List<Filter> extra) {
        List<Filter> filters = new ArrayList<>(extra);
        filters.add(Filter.builder().name("tag:" + Ec2Tags.MANAGED).values("true").build());
        filters.add(Filter.builder().name("tag:" + Ec2Tags.OWNER).values(owner).build());
        filters.add(Filter.builder().name("instance-state-name").values(LIVE_STATES).build());
        List<Instance> result = new ArrayList<>();
        for (var page : ec2.describeInstancesPaginator(r -> r.filters(filters))) {
            for (Reservation reservation : page.reservations()) {
                result.addAll(reservation.instances());
            }
        }
        return result;
    }

    /** Terminates instances; an empty collection does nothing. */
    public void terminate(Collection<String> instanceIds, String why) {
        if (instanceIds.isEmpty()) {
            return;
        }
        ec2.terminateInstances(r -> r.instanceIds(instanceIds));
        log.info("Terminated EC2 instance(s) {}: {}", instanceIds, why);
    }

    /** Returns a tag's value. */
    public static Optional<String> tag(Instance instance, String key) {
        return instance.tags().stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst();
    }

    /** Returns the instance's tags as a map. */
    static Map<String, String> tags(Instance instance) {
        Map<String, String> tags = new java.util.TreeMap<>();
        instance.tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }
}
