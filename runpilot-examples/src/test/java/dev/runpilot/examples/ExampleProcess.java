package dev.runpilot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command the way a user would, in its own process, and returns what it printed. */
final class ExampleProcess {
    private ExampleProcess() {
    }

    /** Runs an example's main class in a new JVM with RUNPILOT_HOME set, and checks it exited with 0. */
    static String runMain(Class<?> main, Path home, String... args) throws IOException, InterruptedException {
        return runMain(main, home, Map.of(), args);
    }

    /** Runs an example's main class in a new JVM with RUNPILOT_HOME and these variables set, and checks it exited with 0. */
    static String runMain(Class<?> main, Path home, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return run(command, home, environment);
    }

    /** Runs a command with RUNPILOT_HOME set, and checks it exited with 0 within two minutes. */
    static String run(List<String> command, Path home) throws IOException, InterruptedException {
        return run(command, home, Map.of());
    }

    private static String run(List<String> command, Path home, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("RUNPILOT_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ended; output so far:%n%s", command, output).isTrue();
        assertThat(process.exitValue()).as("exit code of %s; output:%n%s", command.get(command.size() - 1), output).isZero();
        return output;
    }
}
