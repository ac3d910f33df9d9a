package dev.runpilot.sdk.testing;

import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension seen from outside: sample test classes (static nested, so surefire does not run them
 * itself) are run through the JUnit Platform test kit, and their events and what they recorded are
 * checked.
 */
class RunPilotExtensionTest {
    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute().testEvents();
    }

    /** Submits a job after a client was closed: the way to tell a closed client from an open one. */
    private static boolean isClosed(RunPilotClient client) {
        try {
            client.submit(Job.builder().name("probe").command("true").build());
            return false;
        } catch (IllegalStateException closed) {
            return true;
        }
    }

    @Test
    void injectsAClientAndAScriptedRuntimeThatWorkTogether() {
        run(Injection.class).assertStatistics(stats -> stats.started(1).succeeded(1).failed(0));
        assertThat(Injection.clients).hasSize(1);
    }

    @Test
    void perMethodIsolationGivesEachTestAFreshClientClosedAfterIt() {
        PerMethod.clients.clear();
        run(PerMethod.class).assertStatistics(stats -> stats.started(3).succeeded(3));
        // @BeforeEach and the test of one method share a client: two entries per method, three methods.
        List<RunPilotClient> clients = PerMethod.clients;
        assertThat(clients).hasSize(6);
        assertThat(clients.get(0)).isSameAs(clients.get(1));
        assertThat(clients.stream().distinct()).hasSize(3);
        assertThat(clients).allMatch(RunPilotExtensionTest::isClosed);
    }

    @Test
    void perClassIsolationSharesOneClientAcrossTestsAndClosesItAfterTheClass() {
        PerClass.clients.clear();
        run(PerClass.class).assertStatistics(stats -> stats.started(2).succeeded(2));
        assertThat(PerClass.clients).hasSize(3);
        assertThat(PerClass.clients.stream().distinct()).hasSize(1);
        assertThat(isClosed(PerClass.clients.get(0))).isTrue();
    }

    @Test
    void aFailedRunAssertionIsReportedWithTheRunAndItsLog() {
        Events events = run(FailingRun.class);
        events.assertStatistics(stats -> stats.started(1).failed(1));
        events.assertThatEvents().haveExactly(1, event(test("trainingSucceeds"),
                finishedWithFailure(instanceOf(AssertionError.class),
                        message(m -> m.contains("(job 'train') to have status SUCCEEDED") && m.contains("FAILED, exit code 1")
                                && m.contains("stderr | loss is NaN")))));
    }

    @Test
    void theScriptedOnlyRuntimeRefusesUnscriptedJobs() {
        run(ScriptedOnly.class).assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void anUnknownRuntimeFailsTheClassWithAMessageThatSaysWhatToDo() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(UnknownRuntime.class)).execute().containerEvents()
                .assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("@RunPilotTest(runtime = \"quantum\")") && m.contains("process"))));
    }

    @Test
    void nestedClassesUseTheEnclosingClassSettings() {
        run(Outer.class).assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void aTestThatAsksForAServerGetsAClientOverHttpAndAnAgentThatRunsItsJobs() {
        ServerMode.servers.clear();
        run(ServerMode.class).assertStatistics(stats -> stats.started(2).succeeded(2));
        assertThat(ServerMode.servers).hasSize(2).doesNotHaveDuplicates();
        for (RunPilotServer server : ServerMode.servers) {
            org.assertj.core.api.Assertions.assertThatThrownBy(server::start).as("server closed after its test")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aServerAskedForAfterAnEmbeddedClientWasMadeFailsAndSaysWhatToDo() {
        run(ServerTooLate.class).assertThatEvents().haveExactly(1, finishedWithFailure(
                instanceOf(org.junit.jupiter.api.extension.ParameterResolutionException.class),
                message(m -> m.contains("RunPilotServer parameter") && m.contains("@RunPilotTest(server = true)"))));
    }

    @Test
    void serverTrueRunsEveryScopeAgainstAServer() {
        run(ServerEverywhere.class).assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @RunPilotTest
    static class ServerMode {
        static final List<RunPilotServer> servers = new CopyOnWriteArrayList<>();
        private RunPilotClient clientBeforeEach;

        @BeforeEach
        void before(RunPilotClient client) {
            clientBeforeEach = client;
        }

        @Test
        void jobsGoThroughTheServerToTheAgent(RunPilotClient client, RunPilotServer server, Agent agent, ScriptedRuntime runtime) {
            servers.add(server);
            assertThat(client).isSameAs(clientBeforeEach);
            assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
            runtime.whenJobNamed("remote").stdout("via http").metric("loss", 0.01);
            Run run = client.submit(Job.builder().name("remote").command("python", "train.py").build());
            assertThat(run).succeeded().hasLogLine("via http").hasMetric("loss", 0.01);
            assertThat(runtime.requests()).extracting(r -> r.agentId()).containsExactly(agent.id());
        }

        @Test
        void realProcessesRunOnTheAgentToo(RunPilotClient client, RunPilotServer server) {
            servers.add(server);
            assertThat(client.submit(TestJobs.echo("from a real process").build())).succeeded()
                    .hasLogLine("from a real process");
        }
    }

    @RunPilotTest(isolation = RunPilotTest.Isolation.PER_CLASS)
    static class ServerTooLate {
        @BeforeAll
        static void embedded(RunPilotClient client) {
            client.list();
        }

        @Test
        void wantsAServer(RunPilotServer server) {
        }
    }

    @RunPilotTest(server = true)
    static class ServerEverywhere {
        @Test
        void clientTalksToAServer(RunPilotClient client, ScriptedRuntime runtime) {
            runtime.always().stdout("served");
            assertThat(client.submit(TestJobs.noop().build())).succeeded().hasLogLine("served");
            assertThat(runtime.requests()).extracting(r -> r.agentId()).allMatch(id -> !id.startsWith("local-"));
        }
    }

    @RunPilotTest
    static class Injection {
        static final List<RunPilotClient> clients = new CopyOnWriteArrayList<>();

        @Test
        void scriptedJobRunsOnTheInjectedClient(RunPilotClient client, ScriptedRuntime runtime) {
            clients.add(client);
            runtime.whenJobNamed("train").stdout("epoch 1").metric("loss", 0.02);
            Run run = client.submit(Job.builder().name("train").command("python", "train.py").build());
            assertThat(run).succeeded().hasLogLine("epoch 1").hasMetric("loss", loss -> loss < 0.1);
            assertThat(runtime.requests()).extracting(r -> r.runId()).containsExactly(run.id());
        }
    }

    @RunPilotTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class PerMethod {
        static final List<RunPilotClient> clients = new CopyOnWriteArrayList<>();

        @BeforeEach
        void before(RunPilotClient client) {
            clients.add(client);
        }

        @Test
        void a(RunPilotClient client, ScriptedRuntime runtime) {
            check(client, runtime);
        }

        @Test
        void b(RunPilotClient client, ScriptedRuntime runtime) {
            check(client, runtime);
        }

        @Test
        void c(RunPilotClient client, ScriptedRuntime runtime) {
            check(client, runtime);
        }

        private static void check(RunPilotClient client, ScriptedRuntime runtime) {
            clients.add(client);
            assertThat(client.list().runs()).as("runs left by an earlier test").isEmpty();
            assertThat(runtime.requests()).isEmpty();
            client.submit(TestJobs.noop().build()).await();
        }
    }

    @RunPilotTest(isolation = RunPilotTest.Isolation.PER_CLASS)
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class PerClass {
        static final List<RunPilotClient> clients = new CopyOnWriteArrayList<>();

        @BeforeAll
        static void beforeAll(RunPilotClient client) {
            clients.add(client);
        }

        @Test
        void a(RunPilotClient client) {
            clients.add(client);
            assertThat(client.submit(TestJobs.echo("first").build())).succeeded();
        }

        @Test
        void b(RunPilotClient client) {
            clients.add(client);
            assertThat(client.list().runs()).extracting(r -> r.name()).containsExactly("echo");
        }
    }

    @RunPilotTest
    static class FailingRun {
        @Test
        void trainingSucceeds(RunPilotClient client, ScriptedRuntime runtime) {
            runtime.whenJobNamed("train").stderr("loss is NaN").exitsWith(1);
            assertThat(client.submit(Job.builder().name("train").command("python", "train.py").build())).succeeded();
        }
    }

    @RunPilotTest(runtime = ScriptedRuntime.NAME)
    static class ScriptedOnly {
        @Test
        void refused(RunPilotClient client) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.submit(TestJobs.noop().build()))
                    .isInstanceOf(InvalidJobException.class).hasMessageContaining("no script");
        }
    }

    @RunPilotTest(runtime = "quantum")
    static class UnknownRuntime {
        @Test
        void neverRuns(RunPilotClient client) {
        }
    }

    @RunPilotTest(runtime = ScriptedRuntime.NAME)
    static class Outer {
        @Nested
        class Inner {
            @Test
            void inheritsScriptedOnly(RunPilotClient client) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.submit(TestJobs.noop().build()))
                        .isInstanceOf(InvalidJobException.class);
            }
        }
    }
}
