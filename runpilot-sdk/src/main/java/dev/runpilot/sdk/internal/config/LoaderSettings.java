package dev.runpilot.sdk.internal.config;

import java.util.Map;
import java.util.Optional;

/**
 * What a {@link JobFileLoader} was asked to do; set by {@code JobFile.Loader}, whose Javadoc documents the
 * defaults.
 *
 * @param environment the environment overlay to apply, if any
 * @param variables the values {@code ${VAR}} references and secret names resolve to
 * @param projectDefaults whether the defaults file beside the loaded file is applied
 * @param maxFileSize the largest file read, in bytes
 */
public record LoaderSettings(Optional<String> environment, Map<String, String> variables, boolean projectDefaults,
                             long maxFileSize) {
    /** Copies the variables. */
    public LoaderSettings {
        variables = Map.copyOf(variables);
    }
}
