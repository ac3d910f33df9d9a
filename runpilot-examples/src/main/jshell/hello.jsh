// RunPilot from JShell, the engine behind Java Jupyter kernels (IJava, JJava, Ganymede): the same
// calls work cell by cell in a notebook. Run it from the repository root with
//   ./mvnw -q install -DskipTests
//   jshell --class-path "$(cat runpilot-examples/target/runpilot-classpath.txt)" runpilot-examples/src/main/jshell/hello.jsh
// The test suite runs it this way (JShellExampleTest).
import dev.runpilot.sdk.*;

// An in-memory client: nothing is written under ~/.runpilot, everything goes on close().
RunPilotClient client = RunPilot.client().inMemory().build();

Run run = client.submit(Job.builder()
        .name("hello-jshell")
        .entrypoint("echo \"hello from JShell, run $RUNPILOT_RUN_ID\"; for step in 1 2 3; do echo \"METRIC loss=0.$((4 - step))\"; done")
        .build());

run.logs().follow(line -> System.out.println("  | " + line.text()));
RunResult result = run.await();
System.out.println("status: " + result.status());
System.out.println("final loss: " + result.metrics().get("loss"));
System.out.println("loss series: " + run.metrics().series("loss").stream().map(p -> p.value()).toList());

client.close();
/exit
