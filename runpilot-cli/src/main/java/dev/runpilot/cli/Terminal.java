package dev.runpilot.cli;

/** What the CLI knows of where its output goes. */
final class Terminal {
    private Terminal() {
    }

    /**
     * Returns whether a person is watching: standard input and output are a terminal ({@link System#console()} is
     * set only then on Java 17 to 21). Progress bars and redrawing screens appear only then.
     */
    static boolean isInteractive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22 and later return a console even when redirected, and say so through isTerminal().
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Returns whether to use ANSI colours: on a terminal, without --no-color and without NO_COLOR. */
    static boolean colors(boolean noColorOption) {
        String noColor = System.getenv("NO_COLOR");
        return !noColorOption && (noColor == null || noColor.isEmpty()) && isInteractive()
                && !"dumb".equals(System.getenv("TERM"));
    }
}
