package dev.runpilot.sdk.internal.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code jdbc:postgresql:} URL taken apart so that its password never reaches a log line, an
 * error message or the pool's configuration dump: the password goes to the driver as a property,
 * and {@link #masked()} is what is shown.
 */
record PostgresUrl(String withoutPassword, Optional<String> password, String masked) {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&]password=)[^&]*");

    @Override
    public String toString() {
        return masked;
    }

    /** Parses a URL; the password comes from its {@code password} parameter, else from {@code PGPASSWORD}. */
    static PostgresUrl parse(String url, Optional<String> passwordFromEnvironment) {
        int query = url.indexOf('?');
        if (query < 0) {
            return new PostgresUrl(url, passwordFromEnvironment.filter(p -> !p.isEmpty()), url);
        }
        String base = url.substring(0, query);
        List<String> kept = new ArrayList<>();
        String password = null;
        for (String param : url.substring(query + 1).split("&")) {
            if (param.toLowerCase(Locale.ROOT).startsWith("password=")) {
                password = URLDecoder.decode(param.substring("password=".length()), StandardCharsets.UTF_8);
            } else if (!param.isEmpty()) {
                kept.add(param);
            }
        }
        String withoutPassword = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
        Optional<String> chosen = password != null ? Optional.of(password) : passwordFromEnvironment.filter(p -> !p.isEmpty());
        return new PostgresUrl(withoutPassword, chosen, mask(url));
    }

    /** Returns the URL with the value of any {@code password} parameter replaced by {@code ****}. */
    static String mask(String url) {
        return PASSWORD_PARAM.matcher(url).replaceAll("$1****");
    }
}
