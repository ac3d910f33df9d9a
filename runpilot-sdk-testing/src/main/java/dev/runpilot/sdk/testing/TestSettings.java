package dev.runpilot.sdk.testing;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** The settings of a {@link RunPilotTest} class, read from its annotation. */
record TestSettings(RunPilotTest.Isolation isolation, int workers, String runtime, boolean server) {
    static final TestSettings DEFAULT = new TestSettings(RunPilotTest.Isolation.PER_METHOD, 2, "process", false);

    TestSettings {
        if (workers < 0) {
            throw new ExtensionConfigurationException("@RunPilotTest(workers = " + workers + "): workers must be zero or more");
        }
        if (runtime.isBlank()) {
            throw new ExtensionConfigurationException("@RunPilotTest(runtime = \"\"): name a runtime such as \"process\","
                    + " or \"" + ScriptedRuntime.NAME + "\"");
        }
    }

    static TestSettings of(RunPilotTest annotation) {
        return new TestSettings(annotation.isolation(), annotation.workers(), annotation.runtime().trim(), annotation.server());
    }
}
