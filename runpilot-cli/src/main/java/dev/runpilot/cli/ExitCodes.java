package dev.runpilot.cli;

import dev.runpilot.sdk.ApiException;
import dev.runpilot.sdk.ConfigException;
import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RunNotFoundException;
import dev.runpilot.sdk.RunPilotException;
import picocli.CommandLine;

/**
 * The exit codes of {@code runpilot}, documented in {@code docs/cli.md} and the {@code --help} footer.
 * {@code run} and {@code watch} pass a job's own non-zero exit code through instead of {@link #FAILED}.
 */
final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {
    /** The command did what it was asked; the run it waited for succeeded. */
    static final int OK = 0;
    /** The run failed, timed out or was cancelled, a doctor check failed, or an unexpected error. */
    static final int FAILED = 1;
    /** The command line was wrong: unknown command or option, missing or malformed argument. */
    static final int USAGE = 2;
    /** A job file (or other configuration) is invalid. */
    static final int INVALID_CONFIG = 3;
    /** A run, file or key named on the command line does not exist. */
    static final int NOT_FOUND = 4;
    /** The control plane cannot be reached or used (database, home directory, server). */
    static final int UNAVAILABLE = 5;
    /** Authentication or authorization failed (reserved for the remote control plane). */
    static final int AUTH = 6;
    /** Interrupted by Ctrl-C (SIGINT); a run started by {@code run} is cancelled first. */
    static final int INTERRUPTED = 130;

    /** The footer {@code runpilot --help} shows. */
    static final String FOOTER = """

            Exit codes:
              0    success
              1    the run failed, a doctor check failed, or another error
                   (run and watch exit with the job's own non-zero exit code)
              2    usage error (unknown command or option, bad argument)
              3    invalid configuration (problems printed as file:line:column)
              4    not found (run id, file, key)
              5    control plane unavailable (home not writable, database unusable,
                   server unreachable or failing)
              6    authentication failed (token refused: runpilot login)
              130  interrupted (Ctrl-C)
            See docs/cli.md.""";

    @Override
    public int getExitCode(Throwable exception) {
        return exitCode(exception);
    }

    static int exitCode(Throwable exception) {
        if (exception instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (exception instanceof ConfigException) {
            return INVALID_CONFIG;
        }
        if (exception instanceof RunNotFoundException || exception instanceof NotFoundException) {
            return NOT_FOUND;
        }
        if (exception instanceof ApiException api) {
            if (api.statusCode() == 401 || api.statusCode() == 403) {
                return AUTH;
            }
            if (api.statusCode() == 404) {
                return NOT_FOUND;
            }
            return UNAVAILABLE;
        }
        if (exception instanceof ControlPlaneException) {
            return UNAVAILABLE;
        }
        if (exception instanceof InterruptedException) {
            return INTERRUPTED;
        }
        if (exception instanceof RunPilotException) {
            return FAILED;
        }
        return FAILED;
    }

    /** A file, key or other named thing the user asked for does not exist. */
    static final class NotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String message) {
            super(message);
        }
    }

    private ExitCodes() {
    }

    /** Returns the mapper picocli consults for exceptions thrown by commands. */
    static ExitCodes mapper() {
        return new ExitCodes();
    }
}
