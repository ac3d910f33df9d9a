package dev.runpilot.cli;

import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.config.Profiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code runpilot login}: checks a server endpoint and token ({@link RunPilot#login}), then stores them under a profile of the config file
 * (mode 0600). Later commands use the profile ({@code --profile NAME}, or {@code default} automatically).
 */
@Command(name = "login", description = {"Check a server and token, then save them under a profile (default: default)"
        + " of <home>/config (0600).", "The token comes from --token, $RUNPILOT_TOKEN, a prompt on a terminal,"
        + " or the first line of standard input."},
        footer = {"", "Example:", "  runpilot login --endpoint https://runpilot.example.com --profile prod < token.txt"})
final class LoginCommand extends BaseCommand {
    @Override
    public Integer call() {
        String profile = root().namedProfile().orElse(Profiles.DEFAULT);
        URI endpoint = root().endpoint().orElseThrow(
                () -> usage("Give the server with --endpoint URI, such as --endpoint https://runpilot.example.com"));
        String token = root().token().orElseGet(LoginCommand::readToken);
        if (token.isBlank()) {
            throw usage("No token given: pass --token, set RUNPILOT_TOKEN, or type it at the prompt");
        }
        Profiles profiles = root().profiles();
        Map<String, String> who = RunPilot.login(profiles, profile, endpoint, token);
        Output output = output();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("profile", profile);
        view.put("endpoint", endpoint.toString());
        view.put("configFile", profiles.file().toString());
        view.put("token", who);
        output.print(view, () -> output.out().println("Logged in to " + endpoint + " as profile " + profile
                + describe(who) + " (saved in " + profiles.file() + ")"));
        return ExitCodes.OK;
    }

    private static String describe(Map<String, String> who) {
        String project = who.get("project");
        String name = who.get("name");
        return (project == null || project.isEmpty() ? "" : ", project " + project)
                + (name == null || name.isEmpty() ? "" : ", token '" + name + "'");
    }

    private static String readToken() {
        java.io.Console console = System.console();
        if (console != null && Terminal.isInteractive()) {
            char[] typed = console.readPassword("Token: ");
            return typed == null ? "" : new String(typed).strip();
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the token from standard input: " + e.getMessage(), e);
        }
    }
}
