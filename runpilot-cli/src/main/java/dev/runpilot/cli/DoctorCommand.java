package dev.runpilot.cli;

import dev.runpilot.sdk.ApiException;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code runpilot doctor}: checks that this machine can run jobs: Java, the control plane home, Docker, the
 * storage (a probe object is written, read back and deleted), and the permissions of the config file and keys.
 * Each check passes, warns or fails, and says how to fix what is wrong; the exit code is 1 when one fails.
 */
@Command(name = "doctor", description = {"Check this machine: Java, home, Docker, storage credentials, file permissions.",
        "Each check prints PASS, WARN or FAIL with how to fix it; exit code 1 when one fails."})
final class DoctorCommand extends BaseCommand {
    /** How a check came out. */
    enum Outcome {
        PASS, WARN, FAIL
    }

    /** One check's result: what it found and, unless it passed, what to do. */
    record Check(String name, Outcome outcome, String message, String fix) {
        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", name);
            view.put("status", outcome.name());
            view.put("message", message);
            view.put("fix", fix.isEmpty() ? null : fix);
            return view;
        }
    }

    @Override
    public Integer call() {
        List<Check> checks = new ArrayList<>();
        checks.add(java());
        checks.add(home());
        boolean remote;
        try {
            remote = root().isRemote();
        } catch (RuntimeException e) {
            remote = false;
            checks.add(new Check("config", Outcome.FAIL, "the config file cannot be used: " + e.getMessage(),
                    "chmod 600 " + root().configFile() + ", or fix the line the message names"));
        }
        checks.add(remote ? server() : controlPlane());
        checks.add(docker());
        checks.add(storage());
        checks.addAll(permissions());
        boolean failed = checks.stream().anyMatch(c -> c.outcome() == Outcome.FAIL);

        Output output = output();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("ok", !failed);
        view.put("checks", checks.stream().map(Check::view).toList());
        output.print(view, () -> {
            for (Check check : checks) {
                output.out().printf("%-4s  %-14s %s%n", label(output, check.outcome()), check.name(), check.message());
                if (!check.fix().isEmpty()) {
                    output.out().printf("      %-14s fix: %s%n", "", check.fix());
                }
            }
        });
        return failed ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private static String label(Output output, Outcome outcome) {
        String text = outcome.name();
        if (!Terminal.colors(false) || output.isStructured()) {
            return text;
        }
        String color = switch (outcome) {
            case PASS -> "32";
            case WARN -> "33";
            case FAIL -> "31";
        };
        return "\u001b[" + color + "m" + text + "\u001b[0m";
    }

    static Check java() {
        Runtime.Version version = Runtime.version();
        String found = "Java " + version + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home");
        if (version.feature() < 17) {
            return new Check("java", Outcome.FAIL, found, "install Java 17 or newer and put it first on the PATH");
        }
        return new Check("java", Outcome.PASS, found, "");
    }

    Check home() {
        Path home = root().home();
        if (!Files.exists(home)) {
            Path parent = home.toAbsolutePath().getParent();
            if (parent != null && Files.isWritable(parent)) {
                return new Check("home", Outcome.PASS, home + " does not exist yet; it is created on first use", "");
            }
            return new Check("home", Outcome.FAIL, home + " does not exist and " + parent + " is not writable",
                    "create it (mkdir -p " + home + ") or choose another with --home DIR or RUNPILOT_HOME");
        }
        if (!Files.isDirectory(home) || !Files.isWritable(home)) {
            return new Check("home", Outcome.FAIL, home + " is not a writable directory",
                    "chmod u+w " + home + ", or choose another with --home DIR or RUNPILOT_HOME");
        }
        return new Check("home", Outcome.PASS, home + " is writable", "");
    }

    Check controlPlane() {
        try (RunPilotClient client = root().openClient(0, false)) {
            client.list(RunQuery.builder().limit(1).build());
            return new Check("control plane", Outcome.PASS, "embedded database in " + root().home() + " opens", "");
        } catch (RuntimeException e) {
            return new Check("control plane", Outcome.FAIL, "the embedded database cannot be opened: " + e.getMessage(),
                    "fix the cause above, or use another home with --home DIR");
        }
    }

    Check server() {
        String where;
        try {
            where = root().controlPlaneDescription();
        } catch (RuntimeException e) {
            return new Check("server", Outcome.FAIL, "the profile cannot be read: " + e.getMessage(),
                    "fix the config file " + root().configFile() + " (chmod 600 if others can read it)");
        }
        try (RunPilotClient client = root().openClient(0, false)) {
            client.list(RunQuery.builder().limit(1).build());
            return new Check("server", Outcome.PASS, where + " answers and accepts the token", "");
        } catch (ApiException e) {
            boolean auth = e.statusCode() == 401 || e.statusCode() == 403;
            return new Check("server", Outcome.FAIL, where + (auth ? " refused the token: " : " failed: ") + e.getMessage(),
                    auth ? "log in again: runpilot login --endpoint URI" + root().namedProfile().map(p -> " --profile " + p).orElse("")
                            : "check the server's log; it answered HTTP " + e.statusCode());
        } catch (RuntimeException e) {
            return new Check("server", Outcome.FAIL, where + " cannot be reached: " + e.getMessage(),
                    "check the endpoint and that the server runs (runpilot server), or drop --endpoint/--profile"
                            + " to use the embedded control plane");
        }
    }

    static Check docker() {
        Optional<ContainerRuntimeFactory> docker = ServiceLoader.load(ContainerRuntimeFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("docker")).findFirst();
        if (docker.isEmpty()) {
            return new Check("docker", Outcome.WARN, "the Docker runtime is not on the class path",
                    "use a runpilot build that includes runpilot-docker; jobs without an image run as processes");
        }
        String dockerHost = System.getenv("DOCKER_HOST");
        String where = dockerHost == null || dockerHost.isBlank() ? "the default socket" : "DOCKER_HOST=" + dockerHost;
        String reason = docker.get().unavailableReason();
        if (reason.isEmpty()) {
            return new Check("docker", Outcome.PASS, "a Docker engine answers at " + where, "");
        }
        return new Check("docker", Outcome.WARN, "Docker is not reachable at " + where + ": " + reason,
                "install and start Docker (apt-get install docker.io, then systemctl start docker or dockerd),"
                        + " or set DOCKER_HOST to an engine that answers (unix:///run/podman/podman.sock for Podman);"
                        + " meanwhile jobs without an image run on the process runtime (--runtime process)");
    }

    Check storage() {
        URI uri = root().effectiveStorage();
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
        List<StorageBackendFactory> factories = ServiceLoader.load(StorageBackendFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.scheme().equalsIgnoreCase(scheme)).toList();
        if (factories.isEmpty()) {
            return new Check("storage", Outcome.FAIL, "no storage backend for " + scheme + ":// URIs (" + uri + ")",
                    "add the module that provides it (s3: runpilot-aws, gs: runpilot-gcp, az: runpilot-azure)"
                            + " or use a file: URI with --storage");
        }
        String key = "runpilot-doctor/" + UUID.randomUUID() + ".probe";
        byte[] probe = ("runpilot doctor probe " + key).getBytes(StandardCharsets.UTF_8);
        Path home = root().home();
        try (StorageBackend backend = factories.get(0).create(uri, () -> home)) {
            backend.put(key, new ByteArrayInputStream(probe), "text/plain");
            byte[] read;
            try (InputStream in = backend.get(key).orElseThrow(
                    () -> new IOException("the probe object " + key + " was written but cannot be read back"))) {
                read = in.readAllBytes();
            }
            if (!Arrays.equals(read, probe)) {
                return new Check("storage", Outcome.FAIL, uri + " returned different bytes for the probe object " + key,
                        "check the bucket or directory is not rewritten by a proxy or policy");
            }
            if (!backend.delete(key)) {
                return new Check("storage", Outcome.WARN, uri + " wrote and read a probe object but did not delete " + key,
                        "grant delete permission, or remove " + key + " by hand");
            }
            return new Check("storage", Outcome.PASS, uri + " can write, read and delete (probe " + key + ")", "");
        } catch (IOException | RuntimeException e) {
            return new Check("storage", Outcome.FAIL, uri + " failed a write/read/delete probe: " + e.getMessage(),
                    "check the credentials and permissions for " + uri + " (for s3: AWS_PROFILE or AWS_ACCESS_KEY_ID,"
                            + " for gs: GOOGLE_APPLICATION_CREDENTIALS, for az: AZURE_STORAGE_CONNECTION_STRING),"
                            + " or choose another with --storage URI");
        }
    }

    List<Check> permissions() {
        if (!KeysCommand.isPosix()) {
            return List.of(new Check("permissions", Outcome.PASS, "not a POSIX file system; permissions not checked", ""));
        }
        List<Path> secrets = new ArrayList<>();
        Path config = root().home().resolve("config");
        if (Files.exists(config)) {
            secrets.add(config);
        }
        Path namedConfig = root().configFile();
        if (!namedConfig.equals(config) && Files.exists(namedConfig)) {
            secrets.add(namedConfig);
        }
        Path keys = root().keysDir();
        if (Files.isDirectory(keys)) {
            try (Stream<Path> files = Files.walk(keys, 2)) {
                files.filter(Files::isRegularFile).sorted().forEach(secrets::add);
            } catch (IOException e) {
                return List.of(new Check("permissions", Outcome.FAIL, "cannot read " + keys + ": " + e.getMessage(),
                        "chmod 700 " + keys));
            }
        }
        List<Check> checks = new ArrayList<>();
        List<String> open = new ArrayList<>();
        for (Path file : secrets) {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)
                        || mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                    open.add(file.toString());
                }
            } catch (IOException e) {
                open.add(file + " (" + e.getMessage() + ")");
            }
        }
        if (!open.isEmpty()) {
            checks.add(new Check("permissions", Outcome.FAIL,
                    "group or others can read or write " + String.join(", ", open),
                    "chmod 600 " + String.join(" ", open)));
        } else if (secrets.isEmpty()) {
            checks.add(new Check("permissions", Outcome.PASS, "no config file or keys under " + root().home() + " yet", ""));
        } else {
            checks.add(new Check("permissions", Outcome.PASS, secrets.size() + " config and key file(s) are readable by"
                    + " their owner only", ""));
        }
        return checks;
    }
}
