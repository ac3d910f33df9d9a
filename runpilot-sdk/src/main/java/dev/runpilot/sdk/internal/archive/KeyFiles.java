package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/** Reads and writes key files: PEM blocks, owner-only permissions, refusal of keys others can read. */
public final class KeyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private KeyFiles() {
    }

    /**
     * Encodes DER bytes as a PEM block with 64-character lines.
     *
     * @param label the label, such as {@code PRIVATE KEY}
     * @param der the bytes
     * @return the PEM text, ending with a newline
     */
    public static String toPem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /**
     * Decodes the first PEM block with a label.
     *
     * @param pem the PEM text
     * @param label the expected label
     * @param source where the text came from, for error messages
     * @return the DER bytes
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if there is no such block
     */
    public static byte[] fromPem(String pem, String label, String source) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int start = pem.indexOf(begin);
        int stop = start < 0 ? -1 : pem.indexOf(end, start);
        if (start < 0 || stop < 0) {
            throw new ArchiveException(Reason.INVALID_KEY,
                    source + " holds no '" + begin + "' block; expected a PEM file written by RunPilot or openssl");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), stop));
        } catch (IllegalArgumentException e) {
            throw new ArchiveException(Reason.INVALID_KEY, source + " has a malformed " + label + " PEM block: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Writes a secret to a new file readable and writable by its owner only (mode 0600 on POSIX).
     * The file is created with those permissions, so there is no moment when others could read it.
     *
     * @param file the file; must not exist
     * @param content the text
     * @throws ArchiveException with {@link Reason#IO_ERROR} if the file exists or cannot be written
     */
    public static void writeSecret(Path file, String content) {
        write(file, content, true);
    }

    /**
     * Writes a public file (default permissions).
     *
     * @param file the file; must not exist
     * @param content the text
     * @throws ArchiveException with {@link Reason#IO_ERROR} if the file exists or cannot be written
     */
    public static void writePublic(Path file, String content) {
        write(file, content, false);
    }

    private static void write(Path file, String content, boolean secret) {
        boolean posix = isPosix(file.toAbsolutePath().getParent());
        FileAttribute<?>[] attributes = secret && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(file, attributes);
            if (secret && posix) {
                Files.setPosixFilePermissions(file, OWNER_ONLY); // the umask may have narrowed, never widened
            }
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(content.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (FileAlreadyExistsException e) {
            throw new ArchiveException(Reason.IO_ERROR, file + " already exists; RunPilot never overwrites a key"
                    + " file. Delete it first, or choose another name.", e);
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO_ERROR, "cannot write " + file + ": " + e, e);
        }
    }

    /**
     * Reads a secret file, refusing one that group or others can read (on POSIX file systems).
     *
     * @param file the file
     * @return its text
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if it is missing or readable by others
     */
    public static String readSecret(Path file) {
        if (isPosix(file.toAbsolutePath().getParent())) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.contains(PosixFilePermission.GROUP_READ)
                        || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                    throw new ArchiveException(Reason.INVALID_KEY, file + " is readable by other users (mode "
                            + PosixFilePermissions.toString(permissions) + "); RunPilot refuses to use a secret key"
                            + " others can read. Run: chmod 600 " + file);
                }
            } catch (NoSuchFileException e) {
                throw missing(file, e);
            } catch (IOException e) {
                throw new ArchiveException(Reason.INVALID_KEY, "cannot read " + file + ": " + e, e);
            }
        }
        return read(file);
    }

    /**
     * Reads a public file.
     *
     * @param file the file
     * @return its text
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if it is missing or unreadable
     */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        } catch (IOException e) {
            throw new ArchiveException(Reason.INVALID_KEY, "cannot read " + file + ": " + e, e);
        }
    }

    private static ArchiveException missing(Path file, IOException e) {
        return new ArchiveException(Reason.INVALID_KEY, "key file " + file + " does not exist", e);
    }

    private static boolean isPosix(Path directory) {
        Path probe = directory == null ? Path.of(".") : directory;
        return probe.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
