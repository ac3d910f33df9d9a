package dev.runpilot.sdk.internal.server;

import dev.runpilot.sdk.internal.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * API tokens: created with 256 random bits, handed out once, and kept only as their SHA-256, so a
 * copy of the database gives nobody a usable token.
 */
public final class TokenStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Clock clock;

    public TokenStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Creates a token that never expires and returns it in clear: the only time it is ever seen. */
    public String create(Principal.Kind kind, Optional<String> project, String name) {
        return create(kind, project, name, Optional.empty(), Optional.empty());
    }

    /**
     * Creates a token and returns it in clear: the only time it is ever seen.
     *
     * @param runId for an agent token, the one run its agents may claim and report on
     * @param expiresAt when it stops being accepted; empty for never
     */
    public String create(Principal.Kind kind, Optional<String> project, String name, Optional<String> runId,
                         Optional<Instant> expiresAt) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = (kind == Principal.Kind.USER ? "rpu_" : "rpa_") + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] idBytes = new byte[6];
        RANDOM.nextBytes(idBytes);
        String id = "tok-" + HexFormat.of().formatHex(idBytes);
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO api_tokens (id, hash, kind, project, name, created_at, run_id, expires_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, id);
                p.setString(2, hash(token));
                p.setString(3, kind.wireName());
                p.setString(4, project.orElse(null));
                p.setString(5, name);
                p.setLong(6, clock.millis());
                p.setString(7, runId.orElse(null));
                if (expiresAt.isPresent()) {
                    p.setLong(8, expiresAt.get().toEpochMilli());
                } else {
                    p.setNull(8, Types.BIGINT);
                }
                p.executeUpdate();
            }
            return null;
        });
        return token;
    }

    /** Returns who the token speaks for, or empty if it is unknown, revoked or expired. */
    public Optional<Principal> authenticate(String token) {
        String hash = hash(token);
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id, kind, project, name, run_id FROM api_tokens WHERE hash = ? AND revoked_at IS NULL"
                            + " AND (expires_at IS NULL OR expires_at > ?)")) {
                p.setString(1, hash);
                p.setLong(2, clock.millis());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Principal(rs.getString(1), Principal.Kind.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                            Optional.ofNullable(rs.getString(3)), rs.getString(4), Optional.ofNullable(rs.getString(5))));
                }
            }
        });
    }

    /** Revokes a token given in clear; returns whether it was known and live. */
    public boolean revoke(String token) {
        String hash = hash(token);
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE api_tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL")) {
                p.setLong(1, clock.millis());
                p.setString(2, hash);
                return p.executeUpdate() > 0;
            }
        });
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
