package dev.runpilot.cli;

import dev.runpilot.sdk.config.Profiles;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code runpilot logout}: removes the stored tokens of a profile, keeping its endpoint. */
@Command(name = "logout", description = "Remove the stored token of a profile (default: default), keeping its endpoint.")
final class LogoutCommand extends BaseCommand {
    @Override
    public Integer call() {
        String profile = root().namedProfile().orElse(Profiles.DEFAULT);
        Profiles profiles = root().profiles();
        boolean removed = profiles.logout(profile);
        Output output = output();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("profile", profile);
        view.put("loggedOut", removed);
        output.print(view, () -> output.out().println(removed
                ? "Logged out of profile " + profile + " (token removed from " + profiles.file() + ")"
                : "Profile " + profile + " held no token in " + profiles.file()));
        return ExitCodes.OK;
    }
}
