package dev.runpilot.cli;

/**
 * Sets up slf4j-simple before the first logger is created: warnings only by default, INFO with
 * {@code -v}, DEBUG with {@code -vv}, all on standard error.
 */
final class Logging {
    private Logging() {
    }

    /** Reads the verbosity from the raw arguments, since loggers exist before picocli parses them. */
    static void configure(String... args) {
        int verbosity = 0;
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("--verbose")) {
                verbosity++;
            } else if (isShortVerbose(arg)) {
                verbosity += arg.length() - 1;
            }
        }
        String level = verbosity >= 2 ? "debug" : verbosity == 1 ? "info" : "warn";
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.showLogName", "false");
    }

    /** Whether the argument is -v, -vv, ...: checked by hand, since a regular expression costs start-up time. */
    private static boolean isShortVerbose(String arg) {
        if (arg.length() < 2 || arg.charAt(0) != '-') {
            return false;
        }
        for (int i = 1; i < arg.length(); i++) {
            if (arg.charAt(i) != 'v') {
                return false;
            }
        }
        return true;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
