package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.Database;
import dev.runpilot.sdk.internal.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claim -> complete throughput of the control plane: empty runs are queued, then 1, 4 and 8 agents
 * (threads, each with its own database connection as an agent process has) claim, mark running and
 * finish them as SUCCEEDED until the queue is empty. Runs on a SQLite file (WAL) and, given
 * {@code --postgres URL}, on PostgreSQL. The baseline, measured in the same run on the same
 * database, is single-row UPDATE transactions per second on one connection, so each figure is also
 * given as a ratio that says how many of those round-trip-bound transactions one run's cycle costs.
 *
 * <pre>
 * scripts/benchmarks.sh claims [--runs 3000] [--agents 1,4,8] [--rounds 2] [--postgres jdbc:postgresql://...]
 * </pre>
 */
public final class ClaimThroughput {
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private final int runs;
    private final List<Integer> agentCounts;
    private final int rounds;

    private ClaimThroughput(int runs, List<Integer> agentCounts, int rounds) {
        this.runs = runs;
        this.agentCounts = agentCounts;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        int runs = 3000;
        int rounds = 2;
        List<Integer> agents = List.of(1, 4, 8);
        String postgres = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(required(args[i], value));
                case "--rounds" -> rounds = Integer.parseInt(required(args[i], value));
                case "--agents" -> agents = Arrays.stream(required(args[i], value).split(",")).map(Integer::parseInt).toList();
                case "--postgres" -> postgres = required(args[i], value);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; use --runs N --agents 1,4,8 --rounds N --postgres JDBC_URL");
            }
            i++;
        }
        ClaimThroughput benchmark = new ClaimThroughput(runs, agents, rounds);
        Path dir = Files.createTempDirectory("runpilot-claims-");
        System.out.printf(Locale.ROOT, "%d empty runs per pass, best of %d passes; agents = threads with their own connection%n",
                runs, rounds);
        System.out.printf(Locale.ROOT, "%-11s %7s %12s %14s %18s%n", "database", "agents", "claims/s", "baseline tx/s",
                "cycle / baseline");
        int pass = 0;
        for (int agentCount : agents) {
            pass++;
            Path file = dir.resolve("pass-" + pass + ".db");
            benchmark.report("sqlite", agentCount, () -> Database.open(file), "jdbc:sqlite:" + file);
        }
        if (postgres != null) {
            for (int agentCount : agents) {
                String schema = "claims_" + SCHEMAS.incrementAndGet();
                execute(postgres, "CREATE SCHEMA " + schema);
                String url = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema;
                benchmark.report("postgresql", agentCount, () -> Database.open(url, 2), url);
            }
        } else {
            System.out.println("(no --postgres URL: PostgreSQL skipped; scripts/benchmarks.sh claims starts a cluster)");
        }
    }

    private interface Opener {
        Database open();
    }

    private void report(String name, int agentCount, Opener opener, String jdbcUrl) throws Exception {
        double best = 0;
        double baseline = 0;
        for (int round = 0; round < rounds; round++) {
            best = Math.max(best, pass(opener, agentCount));
            baseline = Math.max(baseline, baseline(jdbcUrl));
        }
        System.out.printf(Locale.ROOT, "%-11s %7d %12.0f %14.0f %18.1f%n", name, agentCount, best, baseline, baseline / best);
    }

    /** One pass: queue the runs, then time the agents draining them. Returns completed runs per second. */
    private double pass(Opener opener, int agentCount) throws Exception {
        Clock clock = Clock.systemUTC();
        try (Database submitter = opener.open()) {
            RunStore store = new RunStore(submitter, clock);
            Job job = Job.builder().name("empty").command("true").build();
            for (int i = 0; i < runs; i++) {
                store.submit(job);
            }
        }
        List<Database> databases = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(agentCount);
        try {
            List<AttemptStore> agents = new ArrayList<>();
            for (int a = 0; a < agentCount; a++) {
                Database db = opener.open();
                databases.add(db);
                agents.add(new AttemptStore(db, clock, new Random(a)));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int a = 0; a < agentCount; a++) {
                AttemptStore store = agents.get(a);
                String agentId = "agent-" + a;
                done.add(pool.submit(() -> {
                    start.await();
                    int completed = 0;
                    for (Optional<Claim> claim = store.claim(agentId, "bench", LEASE); claim.isPresent();
                         claim = store.claim(agentId, "bench", LEASE)) {
                        Claim c = claim.get();
                        store.markRunning(c.runId(), c.attempt(), agentId, "empty", OptionalLong.empty(), OptionalLong.empty());
                        Optional<RunStatus> end = store.finish(c.runId(), c.attempt(), agentId, AttemptEnd.exited(0));
                        if (end.orElse(null) != RunStatus.SUCCEEDED) {
                            throw new IllegalStateException("Run " + c.runId() + " ended " + end);
                        }
                        completed++;
                    }
                    return completed;
                }));
            }
            long began = System.nanoTime();
            start.countDown();
            int completed = 0;
            for (Future<Integer> f : done) {
                completed += f.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            if (completed != runs) {
                throw new IllegalStateException("Completed " + completed + " runs of " + runs);
            }
            return completed / seconds;
        } finally {
            pool.shutdown();
            databases.forEach(Database::close);
        }
    }

    /** Single-row UPDATE transactions per second on one connection, for two seconds. */
    private static double baseline(String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS bench_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
                s.execute("DELETE FROM bench_counter");
                s.execute("INSERT INTO bench_counter (id, n) VALUES (1, 0)");
            }
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA synchronous = NORMAL");
                }
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE bench_counter SET n = n + 1 WHERE id = 1")) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                long count = 0;
                long began = System.nanoTime();
                while (System.nanoTime() < end) {
                    p.executeUpdate();
                    count++;
                }
                return count / ((System.nanoTime() - began) / 1e9);
            }
        }
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
