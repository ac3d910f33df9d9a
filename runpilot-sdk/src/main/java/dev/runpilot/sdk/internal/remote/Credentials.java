package dev.runpilot.sdk.internal.remote;

import java.util.Optional;

/** Where the bearer token of API calls comes from, and how it is renewed when the server refuses it. */
interface Credentials {
    /** The token to send now, if any. */
    Optional<String> token();

    /** Whether {@link #refresh()} can get a new token. */
    default boolean canRefresh() {
        return false;
    }

    /** Gets a new token (OAuth2 refresh) and keeps it for the next calls. */
    default void refresh() {
    }

    /** A fixed token, or none. */
    static Credentials fixed(Optional<String> token) {
        return () -> token;
    }
}
