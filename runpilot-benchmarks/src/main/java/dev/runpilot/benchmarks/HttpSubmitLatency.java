package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Submit latency over HTTP on loopback: {@code client.submit(job)} through {@code RunPilotServer}
 * (idempotency key, token check, one write transaction) against a baseline measured in the same run,
 * a raw java.net.http {@code GET /v1/health} round trip to the same server. Then, if asked, how many
 * no-op runs per second agents over HTTP take from claim to complete.
 *
 * <p>{@code java -cp benchmarks.jar dev.runpilot.benchmarks.HttpSubmitLatency [samples] [throughputJobs]}
 */
public final class HttpSubmitLatency {
    private HttpSubmitLatency() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int throughputJobs = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Path home = Files.createTempDirectory("runpilot-http-bench-");
        try (RunPilotServer server = RunPilotServer.builder().home(home).port(0).build()) {
            String userToken = server.tokens().createUserToken("bench");
            String agentToken = server.tokens().createAgentToken();
            server.start();
            URI base = server.uri();
            HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest health = HttpRequest.newBuilder(base.resolve("/v1/health")).GET().build();
            try (RunPilotClient client = RunPilot.client().endpoint(base).token(userToken).build()) {
                Job job = Job.builder().name("bench").command("true").build();
                for (int i = 0; i < samples / 4; i++) {
                    raw.send(health, HttpResponse.BodyHandlers.ofString());
                    client.submit(job);
                }
                long[] baseline = new long[samples];
                long[] submit = new long[samples];
                // Interleaved, so both see the same machine load.
                for (int i = 0; i < samples; i++) {
                    long t0 = System.nanoTime();
                    raw.send(health, HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    client.submit(job);
                    long t2 = System.nanoTime();
                    baseline[i] = t1 - t0;
                    submit[i] = t2 - t1;
                }
                LatencyStats b = new LatencyStats(baseline);
                LatencyStats s = new LatencyStats(submit);
                System.out.printf("samples: %d (after %d warm-up pairs)%n", samples, samples / 4);
                System.out.printf("baseline GET /v1/health:  p50 %.3f ms  p99 %.3f ms%n", b.p50(), b.p99());
                System.out.printf("client.submit over HTTP:  p50 %.3f ms  p99 %.3f ms%n", s.p50(), s.p99());
                System.out.printf("ratio submit/baseline:    p50 %.1fx  p99 %.1fx%n", s.p50() / b.p50(), s.p99() / b.p99());
            }
        }
        if (throughputJobs > 0) {
            // A fresh server, so that the queue holds only the measured runs.
            Path throughputHome = Files.createTempDirectory("runpilot-http-throughput-");
            try (RunPilotServer server = RunPilotServer.builder().home(throughputHome).port(0).build()) {
                String userToken = server.tokens().createUserToken("bench");
                String agentToken = server.tokens().createAgentToken();
                server.start();
                try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken).build()) {
                    throughput(client, server.uri(), agentToken, throughputJobs, throughputHome);
                }
            }
        }
    }

    /** Runs no-op jobs through 2 in-process HTTP agents of 4 workers each; reports runs per second, claim to complete. */
    private static void throughput(RunPilotClient client, URI base, String agentToken, int jobs, Path home) throws Exception {
        List<Agent> agents = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            agents.add(Agent.builder().endpoint(base).token(agentToken).workers(4).runtime("process")
                    .workDir(home.resolve("work-" + i)).build().start());
        }
        try {
            Job job = Job.builder().name("throughput").command("true").build();
            List<Run> runs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                runs.add(client.submit(job));
            }
            for (Run run : runs) {
                run.await();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("throughput: %d no-op runs, 2 agents x 4 workers over HTTP: %.1f runs/s%n", jobs, jobs / seconds);
        } finally {
            agents.forEach(Agent::close);
        }
    }
}
