package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.ClaimFilter;
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
import java.util.Comparator;
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
import java.util.stream.Stream;

/**
 * Claim -> complete throughput of the control plane: empty runs are queued, then 1, 4 and 8 agents
 * (threads, each with its own database connection as an agent process has) claim, mark running and
 * finish them as SUCCEEDED until the queue is empty. With a batch of n, an agent claims up to n runs
 * in one call ({@code AttemptStore.claimUpTo}, what an agent with n free slots does), then starts and
 * finishes each. Runs on a SQLite file (WAL) and, given
 * {@code --postgres URL}, on PostgreSQL. The baseline, measured in the same run on the same
 * database, is single-row UPDATE transactions per second on one connection, so each figure is also
 * given as a ratio that says how many of those round-trip-bound transactions one run's cycle costs.
 *
 * <pre>
 * scripts/benchmarks.sh claims [--runs 3000] [--agents 1,4,8] [--batch 1,8] [--rounds 2] [--postgres jdbc:postgresql://...]
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

    /** What one pass measured: completed runs per second, and transactions per run where the database counts them. */
    private record Pass(double perSecond, double transactionsPerRun) {
    }

    public static void main(String[] args) throws Exception {
        int runs = 3000;
        int rounds = 2;
        List<Integer> agents = List.of(1, 4, 8);
        List<Integer> batches = List.of(1, 8);
        String postgres = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(required(args[i], value));
                case "--rounds" -> rounds = Integer.parseInt(required(args[i], value));
                case "--agents" -> agents = Arrays.stream(required(args[i], value).split(",")).map(Integer::parseInt).toList();
                case "--batch" -> batches = Arrays.stream(required(args[i], value).split(",")).map(Integer::parseInt).toList();
                case "--postgres" -> postgres = required(args[i], value);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; use --runs N --agents 1,4,8 --batch 1,8 --rounds N --postgres JDBC_URL");
            }
            i++;
        }
        ClaimThroughput benchmark = new ClaimThroughput(runs, agents, rounds);
        Path dir = Files.createTempDirectory("runpilot-claims-");
        System.out.printf(Locale.ROOT, "%d empty runs per pass, best of %d passes; agents = threads with their own connection%n",
                runs, rounds);
        System.out.printf(Locale.ROOT, "%-11s %7s %6s %12s %14s %18s %12s%n", "database", "agents", "batch", "claims/s",
                "baseline tx/s", "cycle / baseline", "tx per run");
        try {
            int pass = 0;
            for (int batch : batches) {
                for (int agentCount : agents) {
                    pass++;
                    Path file = dir.resolve("pass-" + pass + ".db");
                    benchmark.report("sqlite", agentCount, batch, () -> Database.open(file), "jdbc:sqlite:" + file);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
        if (postgres != null) {
            for (int batch : batches) {
                for (int agentCount : agents) {
                    String schema = "claims_" + SCHEMAS.incrementAndGet();
                    execute(postgres, "CREATE SCHEMA " + schema);
                    String url = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema;
                    benchmark.report("postgresql", agentCount, batch, () -> Database.open(url, 2), url);
                }
            }
        } else {
            System.out.println("(no --postgres URL: PostgreSQL skipped; scripts/benchmarks.sh claims starts a cluster)");
        }
    }

    private interface Opener {
        Database open();
    }

    private void report(String name, int agentCount, int batch, Opener opener, String jdbcUrl) throws Exception {
        Pass best = new Pass(0, Double.NaN);
        double baseline = 0;
        for (int round = 0; round < rounds; round++) {
            Pass pass = pass(opener, agentCount, batch, jdbcUrl);
            if (pass.perSecond() > best.perSecond()) {
                best = pass;
            }
            baseline = Math.max(baseline, baseline(jdbcUrl));
        }
        System.out.printf(Locale.ROOT, "%-11s %7d %6d %12.0f %14.0f %18.1f %12s%n", name, agentCount, batch, best.perSecond(), baseline,
                baseline / best.perSecond(), Double.isNaN(best.transactionsPerRun()) ? "-"
                        : String.format(Locale.ROOT, "%.2f", best.transactionsPerRun()));
    }

    /**
     * One pass: queue the runs, then time the agents draining them. Returns completed runs per second
     * and, on PostgreSQL, the transactions committed per run meanwhile (the database's own count).
     */
    private Pass pass(Opener opener, int agentCount, int batch, String jdbcUrl) throws Exception {
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
                    for (List<Claim> claims = claim(store, agentId, batch); !claims.isEmpty(); claims = claim(store, agentId, batch)) {
                        for (Claim c : claims) {
                            store.markRunning(c.runId(), c.attempt(), agentId, "empty", OptionalLong.empty(), OptionalLong.empty());
                            Optional<RunStatus> end = store.finish(c.runId(), c.attempt(), agentId, AttemptEnd.exited(0));
                            if (end.orElse(null) != RunStatus.SUCCEEDED) {
                                throw new IllegalStateException("Run " + c.runId() + " ended " + end);
                            }
                            completed++;
                        }
                    }
                    return completed;
                }));
            }
            long transactionsBefore = transactions(jdbcUrl);
            long began = System.nanoTime();
            start.countDown();
            int completed = 0;
            for (Future<Integer> f : done) {
                completed += f.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            // Closed first: a backend that exits reports the counts it had not yet flushed.
            databases.forEach(Database::close);
            long transactionsAfter = transactions(jdbcUrl);
            if (completed != runs) {
                throw new IllegalStateException("Completed " + completed + " runs of " + runs);
            }
            double perRun = transactionsBefore < 0 ? Double.NaN : (transactionsAfter - transactionsBefore) / (double) completed;
            return new Pass(completed / seconds, perRun);
        } finally {
            pool.shutdown();
            databases.forEach(Database::close);
        }
    }

    /** An agent's claim: one run at a time, or up to {@code batch} in one call. */
    private static List<Claim> claim(AttemptStore store, String agentId, int batch) {
        return batch == 1 ? store.claim(agentId, "bench", LEASE).map(List::of).orElse(List.of())
                : store.claimUpTo(agentId, "bench", LEASE, ClaimFilter.ANY, batch);
    }

    /**
     * PostgreSQL's count of transactions committed or rolled back in the database so far (it lags by
     * up to its stats flush interval, so the two reads wait for it), or -1 elsewhere.
     */
    private static long transactions(String jdbcUrl) throws Exception {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_force_next_flush()");
            Thread.sleep(1100);
            try (java.sql.ResultSet rs = s.executeQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database"
                    + " WHERE datname = current_database()")) {
                rs.next();
                return rs.getLong(1);
            }
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
