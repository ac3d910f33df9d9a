package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.spi.ContainerRuntime;
import java.nio.file.Files;

/**
 * The scripted runtime against the runtime contract: each of the contract's shell commands is
 * scripted to do what the shell would, so the contract checks the scripted executions' delivery,
 * ordering, stop and exit semantics.
 */
class ScriptedRuntimeContractTest extends ContainerRuntimeContract {
    @Override
    protected ContainerRuntime createRuntime() {
        ScriptedRuntime runtime = ScriptedRuntime.create();
        runtime.whenCommandContains("echo hello").stdout("hello");
        runtime.whenCommandContains("echo hello, runtime").stdout("hello, runtime");
        for (int code : new int[] {1, 3, 42}) {
            runtime.whenCommandContains("exit " + code).exitsWith(code);
        }
        runtime.whenCommandContains("RUNPILOT_CONTRACT_VALUE")
                .perform(p -> p.stdout("value=" + p.request().environment().get("RUNPILOT_CONTRACT_VALUE")));
        runtime.whenCommandContains("contract-output.txt")
                .perform(p -> Files.writeString(p.request().workDir().resolve("contract-output.txt"), "written\n"));
        runtime.whenCommandContains("echo out-1").stdout("out-1").stderr("err-1").stdout("out-2").stderr("err-2");
        runtime.whenCommandContains("line-$i").perform(p -> {
            for (int i = 1; i <= 2000; i++) {
                p.stdout("line-" + i);
            }
        });
        runtime.whenCommandContains("sleep 600").hangs();
        runtime.whenCommandContains("trap").stdout("trapped").hangs().ignoresStop();
        runtime.whenCommandContains("echo done").stdout("done");
        runtime.whenCommandContains("runpilot-no-such-program").failsToStart("no such program");
        return runtime;
    }
}
