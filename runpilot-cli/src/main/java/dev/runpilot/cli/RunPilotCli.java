package dev.runpilot.cli;

import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.archive.TrustedKeys;
import dev.runpilot.sdk.config.Profiles;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code runpilot} command: runs, submits and inspects jobs on a RunPilot control plane, manages
 * signing keys and checks the machine. Built only on the public API of {@code runpilot-sdk}.
 *
 * <pre>{@code
 * runpilot run -- python train.py          # run on the embedded engine, follow the log
 * runpilot list -o json                    # machine-readable output
 * }</pre>
 *
 * <p>Every subcommand is described in {@code docs/cli.md}; the exit codes are listed there and at the
 * end of {@code runpilot --help}.
 */
@Command(name = "runpilot",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = RunPilotCli.Version.class,
        description = "Runs compute jobs anywhere: on this machine, on agents, or on a cloud instance per job.",
        footer = ExitCodes.FOOTER,
        usageHelpAutoWidth = true)
public final class RunPilotCli {
    /**
     * The subcommands, in the order help lists them. Each is created only when needed (see {@link #create}):
     * building picocli's model of every command by reflection is a large part of a short command's start-up.
     */
    private static final List<String> SUBCOMMANDS = List.of("run", "submit", "status", "list", "show", "logs", "watch",
            "cancel", "metrics", "keys", "validate", "estimate", "doctor", "server", "agent", "login", "logout", "completion", "help");

    /**
     * The subcommands that open a client. For them the SDK starts preparing the embedded client's database driver
     * while picocli builds its model ({@link RunPilot#preload()}); on a server's client that work is unused.
     */
    private static final Set<String> OPENS_CLIENT = Set.of("run", "submit", "status", "list", "show", "logs", "watch",
            "cancel", "metrics", "estimate", "server", "agent");

    /** Root options that take a value as the next argument; the subcommand is the first other word. */
    private static final Set<String> OPTIONS_WITH_VALUES = Set.of("--home", "--storage", "--runtime", "-o", "--output",
            "--endpoint", "--token", "--profile");

    /** Creates a subcommand; a switch rather than a map of constructor references, which cost start-up time. */
    private static Object create(String name) {
        return switch (name) {
            case "run" -> new RunCommand();
            case "submit" -> new SubmitCommand();
            case "status" -> new StatusCommand();
            case "list" -> new ListCommand();
            case "show" -> new ShowCommand();
            case "logs" -> new LogsCommand();
            case "watch" -> new WatchCommand();
            case "cancel" -> new CancelCommand();
            case "metrics" -> new MetricsCommand();
            case "keys" -> new KeysCommand();
            case "validate" -> new ValidateCommand();
            case "estimate" -> new EstimateCommand();
            case "doctor" -> new DoctorCommand();
            case "server" -> new ServerCommand();
            case "agent" -> new AgentCommand();
            case "login" -> new LoginCommand();
            case "logout" -> new LogoutCommand();
            case "completion" -> new CompletionCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Control plane home (database, storage, keys). Default: $RUNPILOT_HOME, else ~/.runpilot.")
    Path home;

    @Option(names = "--storage", scope = ScopeType.INHERIT, paramLabel = "URI",
            description = "Where bundles, logs and artifacts go, such as s3://bucket/prefix."
                    + " Default: $RUNPILOT_STORAGE, else file:<home>/storage.")
    URI storage;

    @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "URI",
            description = "Use the RunPilot server at this URI instead of the embedded control plane."
                    + " Default: $RUNPILOT_ENDPOINT, else the profile's.")
    URI endpoint;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "Bearer token for the server. Default: $RUNPILOT_TOKEN, else the profile's.")
    String token;

    @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Profile of the config file to take the server and token from (see login)."
                    + " Default: $RUNPILOT_PROFILE, else 'default' when the config file has it.")
    String profile;

    @Option(names = "--runtime", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Container runtime for jobs run here: auto (docker when an engine answers, else process),"
                    + " docker or process. Default: auto.")
    String runtime;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Say more: INFO logs and stack traces; twice for DEBUG logs.")
    boolean[] verbose = new boolean[0];

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only results and errors: no progress bars, no hints.")
    boolean quiet;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.", defaultValue = "table")
    Output.Format format;

    @Option(names = "--no-color", scope = ScopeType.INHERIT,
            description = "No ANSI colours (also when NO_COLOR is set or the output is not a terminal).")
    boolean noColor;

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String... args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns its exit code, printing to {@code System.out} and {@code System.err}.
     *
     * @param args the arguments
     * @return the exit code, one of those listed by {@code runpilot --help}
     */
    public static int execute(String... args) {
        Logging.configure(args);
        // picocli's documented start-up switch: no looking for Groovy on the class path, a miss that would read the
        // jar's whole directory on this thread rather than on the preload thread below.
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
        Optional<String> subcommand = subcommandIn(args);
        if (subcommand.isPresent() && OPENS_CLIENT.contains(subcommand.get())) {
            RunPilot.preload();
        }
        return commandLine(subcommandsFor(subcommand, args)).execute(args);
    }

    /** Builds the command line with every subcommand; completion scripts are generated from this model. */
    static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The subcommands to build a model of: the one named; none for a bare {@code --version}, which prints what the
     * root command knows; else all of them, for the usage help and for picocli's error messages.
     */
    static List<String> subcommandsFor(Optional<String> named, String... args) {
        if (named.isPresent()) {
            return List.of(named.get());
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        return SUBCOMMANDS;
    }

    /**
     * Finds the subcommand the arguments name, skipping root options and their values. Empty when there is
     * none, or it is an alias or unknown: then every subcommand is registered and picocli reports the error.
     */
    static Optional<String> subcommandIn(String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (OPTIONS_WITH_VALUES.contains(arg)) {
                i++;
            } else if (!arg.startsWith("-")) {
                return SUBCOMMANDS.contains(arg) && !arg.equals("help") ? Optional.of(arg) : Optional.empty();
            } else if (arg.equals("--")) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static CommandLine commandLine(List<String> subcommands) {
        CommandLine cli = new CommandLine(new RunPilotCli());
        for (String name : subcommands) {
            cli.addSubcommand(name, create(name));
        }
        cli.setExitCodeExceptionMapper(ExitCodes.mapper());
        cli.setExecutionExceptionHandler(RunPilotCli::handleException);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    private static int handleException(Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
        RunPilotCli root = cli.getCommandSpec().root().commandLine().getCommand();
        PrintWriter err = cli.getErr();
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        err.println("runpilot: " + message);
        if (root.verbosity() > 0) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.exitCode(e);
    }

    /** Returns how many times -v was given. */
    int verbosity() {
        return verbose.length;
    }

    /** Returns the home directory: --home, else $RUNPILOT_HOME, else ~/.runpilot. */
    Path home() {
        if (home != null) {
            return home.toAbsolutePath();
        }
        String env = System.getenv("RUNPILOT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".runpilot");
    }

    /** Returns the storage URI given by --storage or $RUNPILOT_STORAGE, if any. */
    Optional<URI> storage() {
        if (storage != null) {
            return Optional.of(storage);
        }
        String env = System.getenv("RUNPILOT_STORAGE");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(URI.create(env));
    }

    /** Returns the storage URI the client uses: the configured one, else the home's storage directory. */
    URI effectiveStorage() {
        return storage().orElseGet(() -> home().resolve("storage").toUri());
    }

    /** Returns the server URI given by --endpoint or $RUNPILOT_ENDPOINT, if any. */
    Optional<URI> endpoint() {
        if (endpoint != null) {
            return Optional.of(endpoint);
        }
        String env = System.getenv("RUNPILOT_ENDPOINT");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(URI.create(env));
    }

    /** Returns the token given by --token or $RUNPILOT_TOKEN, if any. */
    Optional<String> token() {
        if (token != null) {
            return Optional.of(token);
        }
        String env = System.getenv("RUNPILOT_TOKEN");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(env);
    }

    /** Returns the profile named by --profile or $RUNPILOT_PROFILE, if any. */
    Optional<String> namedProfile() {
        if (profile != null) {
            return Optional.of(profile);
        }
        String env = System.getenv("RUNPILOT_PROFILE");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(env);
    }

    /**
     * Returns the profile commands use: the named one, else {@code default} when the config file exists,
     * no --endpoint is given and the file has that profile.
     */
    Optional<String> profile() {
        Optional<String> named = namedProfile();
        if (named.isPresent() || endpoint().isPresent() || !Files.exists(configFile())) {
            return named;
        }
        return profiles().names().contains(Profiles.DEFAULT) ? Optional.of(Profiles.DEFAULT) : Optional.empty();
    }

    /** Returns whether commands talk to a RunPilot server rather than the embedded control plane. */
    boolean isRemote() {
        return endpoint().isPresent() || profile().isPresent();
    }

    /** Returns the config file of profiles: $RUNPILOT_CONFIG, else {@code <home>/config}. */
    Path configFile() {
        String env = System.getenv("RUNPILOT_CONFIG");
        return env == null || env.isBlank() ? home().resolve("config") : Path.of(env);
    }

    /** Returns the profiles of {@link #configFile()}. */
    Profiles profiles() {
        return Profiles.at(configFile());
    }

    /** Returns a one-line description of the control plane commands use. */
    String controlPlaneDescription() {
        if (!isRemote()) {
            return "embedded, " + home();
        }
        String where = endpoint().map(URI::toString).orElseGet(() -> profile()
                .flatMap(name -> profiles().profile(name)).map(values -> values.getOrDefault("endpoint", "?")).orElse("?"));
        return "server " + where + profile().map(name -> " (profile " + name + ")").orElse("");
    }

    /** Returns the key directory, {@code <home>/keys}. */
    Path keysDir() {
        return home().resolve("keys");
    }

    /** Returns the printer for results in the chosen format. */
    Output output(CommandLine cli) {
        return new Output(format, cli.getOut(), cli.getErr(), quiet, Terminal.colors(noColor));
    }

    /**
     * Opens a client on the configured control plane.
     *
     * @param workers how many runs this process executes at once; zero to only submit and read
     * @param progress whether bundling and uploads show a progress bar (on a terminal, unless -q)
     * @return the client, to close
     */
    RunPilotClient openClient(int workers, boolean progress) {
        return openClient(workers, progress, false);
    }

    /**
     * Opens a client on the configured control plane.
     *
     * @param workers how many runs this process executes at once; zero to only submit and read
     * @param progress whether bundling and uploads show a progress bar (on a terminal, unless -q)
     * @param submits whether jobs are submitted through it: the runtime then checks what they need (an image
     *     needs docker), so the Docker probe is not skipped
     * @return the client, to close
     */
    RunPilotClient openClient(int workers, boolean progress, boolean submits) {
        if (isRemote()) {
            return openRemoteClient(progress);
        }
        RunPilotClient.Builder builder = RunPilot.client().home(home()).workers(workers);
        storage().ifPresent(builder::storage);
        if (runtime != null) {
            builder.runtime(runtime);
        } else if (workers == 0 && !submits) {
            // Nothing runs in this process, so the runtime is never used: skip probing for a Docker engine.
            builder.runtime("process");
        }
        Path signing = keysDir().resolve(KeysCommand.DEFAULT_KEY + ".key");
        if (Files.exists(signing)) {
            builder.signingKey(SigningKey.load(signing));
        }
        Path trusted = keysDir().resolve(KeysCommand.TRUSTED_DIR);
        if (Files.isDirectory(trusted)) {
            TrustedKeys keys = TrustedKeys.load(trusted);
            if (!keys.isEmpty()) {
                builder.trustedKeys(keys);
            }
        }
        if (progress && !quiet && Terminal.isInteractive()) {
            builder.progress(new ProgressBar(System.err, Terminal.colors(noColor)));
        }
        return builder.build();
    }

    private RunPilotClient openRemoteClient(boolean progress) {
        RunPilotClient.Builder builder = RunPilot.client();
        if (System.getenv("RUNPILOT_CONFIG") == null) {
            builder.home(home());
        }
        endpoint().ifPresent(builder::endpoint);
        token().ifPresent(builder::token);
        profile().ifPresent(builder::profile);
        Path signing = keysDir().resolve(KeysCommand.DEFAULT_KEY + ".key");
        if (Files.exists(signing)) {
            builder.signingKey(SigningKey.load(signing));
        }
        if (progress && !quiet && Terminal.isInteractive()) {
            builder.progress(new ProgressBar(System.err, Terminal.colors(noColor)));
        }
        return builder.build();
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RunPilotCli.class.getPackage().getImplementationVersion();
            return new String[] {"runpilot " + (version == null ? "(development build)" : version),
                    "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
