package dev.runpilot.sdk;

import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when a source bundle cannot be made, or when an archive is refused or cannot be read.
 *
 * <p>Every instance carries a {@link Reason}: code that reacts to refusals (an agent deciding the
 * attempt's failure reason, a test asserting the refusal) switches on {@link #reason()}, never on
 * the message. The message says what was wrong, where (file, entry path, key file) and what to do.
 *
 * <p>A refused archive leaves nothing behind: by the time this is thrown from an extraction, the
 * target directory and every temporary file have been removed.
 */
public class ArchiveException extends RunPilotException {
    private static final long serialVersionUID = 1L;

    /** Why an archive was refused, or why a bundle or key could not be made or read. */
    public enum Reason {
        /** Signatures are required and the archive is unsigned, signed by an untrusted key, its
         *  signature does not verify, or its content does not match the signed manifest. */
        SIGNATURE_REJECTED,
        /** An entry or manifest path is absolute ({@code /etc/x}). */
        ABSOLUTE_PATH,
        /** An entry or manifest path has a {@code ..} segment, or is otherwise not a plain relative path. */
        PATH_TRAVERSAL,
        /** A symbolic link points outside the root, or an entry lies beneath a symbolic link. */
        LINK_ESCAPE,
        /** The archive holds a hard link. */
        HARD_LINK,
        /** The archive or source tree holds a device node, a FIFO, a socket or another special file. */
        SPECIAL_FILE,
        /** More entries than the limit allows. */
        TOO_MANY_ENTRIES,
        /** More bytes in total than the limit allows (an archive to extract, or a tree to bundle). */
        TOO_LARGE,
        /** A single file larger than the limit allows. */
        FILE_TOO_LARGE,
        /** The archive expands more than the compression ratio limit allows (a zip bomb). */
        COMPRESSION_RATIO,
        /** A file's bytes, or the archive's bytes, do not match their recorded SHA-256. */
        CHECKSUM_MISMATCH,
        /** The archive ends early. */
        TRUNCATED,
        /** The archive is not a RunPilot bundle, or its structure or encryption is damaged. */
        CORRUPT,
        /** The archive is encrypted with a different key than the one given. */
        WRONG_KEY,
        /** The archive is encrypted and no decryption key was given. */
        KEY_REQUIRED,
        /** A key file is missing, malformed or readable by other users. */
        INVALID_KEY,
        /** The extraction target exists and is not an empty directory. */
        TARGET_EXISTS,
        /** Reading the source tree or writing the output failed (disk full, permission denied). */
        IO_ERROR;

        /**
         * Returns the stable lower-case name of this reason, such as {@code signature_rejected}.
         *
         * @return the wire name
         */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why
     * @param message what went wrong, where, and what to do
     */
    public ArchiveException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Creates the exception with its underlying cause.
     *
     * @param reason why
     * @param message what went wrong, where, and what to do
     * @param cause the underlying failure
     */
    public ArchiveException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns why the archive was refused or could not be made.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
