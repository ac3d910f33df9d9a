package dev.runpilot.examples;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.config.JobFile;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a job from a YAML file whose secrets come from an env file ({@code jobs/env-file/greet.yaml}
 * and {@code greet.env}), fills in a variable, runs it on the embedded engine and prints its log: the
 * secret reaches the job, the log shows {@code ***}.
 *
 * <p>Run it with {@code ./mvnw -q -pl runpilot-examples exec:java -Dexec.mainClass=dev.runpilot.examples.YamlJobExample}
 * (after {@code ./mvnw -q install -DskipTests}); pass another job file as the first argument.
 */
public final class YamlJobExample {
    private YamlJobExample() {
    }

    public static void main(String[] args) {
        Path file = args.length > 0 ? Path.of(args[0]) : Examples.file("jobs/env-file/greet.yaml");
        Job job = JobFile.loader().variables(Map.of("GREETING", "good morning")).load(file);
        System.out.println("loaded job '" + job.name() + "' from " + file + " with secrets " + job.secrets().keySet());
        try (RunPilotClient client = RunPilot.client().build()) {
            Run run = client.submit(job);
            run.logs().follow(line -> System.out.println("  | " + line.text()));
            RunResult result = run.await();
            System.out.println("run " + run.id() + " " + result.status() + ", metrics " + result.metrics());
            result.requireSuccess();
        }
    }

}
