package dev.runpilot.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.spi.OutputListener;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure a job's image is on the engine, as its pull policy says: the local image cache is looked at first;
 * {@code ALWAYS} pulls anyway, {@code IF_NOT_PRESENT} pulls only what is missing, {@code NEVER} never pulls and
 * turns a missing image into an error naming the image and the policy.
 */
final class ImagePreparer {
    /** The longest a pull may take before the attempt fails. */
    private static final long PULL_TIMEOUT_MINUTES = 30;

    private final DockerClient client;
    private final EngineEndpoint endpoint;
    private final RegistryCredentials credentials;

    ImagePreparer(DockerClient client, EngineEndpoint endpoint, RegistryCredentials credentials) {
        this.client = client;
        this.endpoint = endpoint;
        this.credentials = credentials;
    }

    /** Returns the reference to create the container from, after any pull. */
    String prepare(String image, PullPolicy policy, Map<String, String> secrets, OutputListener output) {
        ImageReference ref = ImageReference.parse(image);
        boolean present = isPresent(ref);
        String policyName = policy.name().toLowerCase(Locale.ROOT);
        switch (policy) {
            case NEVER -> {
                if (!present) {
                    throw new RunPilotException("Image '" + ref.canonical() + "' is not on the Docker engine at " + endpoint.describe()
                            + " and the pull policy is " + policyName + ", so it is not pulled. Build or pull it on that engine"
                            + " first (docker pull " + ref.canonical() + "), or set pullPolicy(IF_NOT_PRESENT) on the job.");
                }
                return ref.canonical();
            }
            case IF_NOT_PRESENT -> {
                if (present) {
                    return ref.canonical();
                }
            }
            case ALWAYS -> {
                // pulled below, even when present: a moving tag must be fresh
            }
        }
        pull(ref, policyName, present, secrets, output);
        return ref.canonical();
    }

    boolean isPresent(ImageReference ref) {
        try {
            client.inspectImageCmd(ref.canonical()).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void pull(ImageReference ref, String policyName, boolean present, Map<String, String> secrets, OutputListener output) {
        Optional<RegistryCredentials.Found> auth = credentials.find(ref, secrets);
        output.onLine(LogStream.SYSTEM, "pulling image " + ref.canonical() + " (pull policy " + policyName
                + (present ? "" : ", not present on the engine") + auth.map(a -> ", with " + a).orElse(", without credentials") + ")");
        long started = System.nanoTime();
        PullImageCmd pull = ref.tag().isPresent() && ref.digest().isEmpty()
                ? client.pullImageCmd(ref.repository()).withTag(ref.tag().get())
                : client.pullImageCmd(ref.canonical());
        auth.ifPresent(a -> pull.withAuthConfig(a.auth()));
        try {
            if (!pull.exec(new PullImageResultCallback()).awaitCompletion(PULL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new RunPilotException("Pulling image '" + ref.canonical() + "' took more than " + PULL_TIMEOUT_MINUTES
                        + " minutes; pull it on the engine first, or check the registry " + ref.registry() + ".");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunPilotException("Interrupted while pulling image '" + ref.canonical() + "'", e);
        } catch (RuntimeException e) {
            if (e instanceof RunPilotException rp) {
                throw rp;
            }
            throw new RunPilotException("Cannot pull image '" + ref.canonical() + "' from " + ref.registry() + " (pull policy "
                    + policyName + "): " + EngineConnection.rootMessage(e).trim() + ". "
                    + auth.map(a -> "The " + a + " were used; check them.")
                    .orElse("No credentials were found for " + ref.registry() + ": set the job's secrets "
                            + RegistryCredentials.USERNAME_SECRET + " and " + RegistryCredentials.PASSWORD_SECRET
                            + ", or run docker login " + ref.registry() + "."), e);
        }
        output.onLine(LogStream.SYSTEM, "pulled image " + ref.canonical() + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
    }
}
