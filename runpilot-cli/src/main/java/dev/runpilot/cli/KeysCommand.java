package dev.runpilot.cli;

import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.archive.TrustedKeys;
import dev.runpilot.sdk.archive.VerificationKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runpilot keys}: the Ed25519 keys that sign source bundles ({@code <home>/keys/NAME.key} and
 * {@code NAME.pub}) and the public keys this machine's agents trust ({@code <home>/keys/trusted/*.pub}). Every
 * file is written with mode 0600 and the directories with 0700. {@code run} and {@code submit} sign with
 * {@code runpilot.key} when it exists; when {@code trusted/} holds keys, local agents run only bundles signed by
 * one of them.
 */
@Command(name = "keys", description = "Manage bundle signing keys: generate, list, trust.",
        subcommands = {KeysCommand.Generate.class, KeysCommand.ListKeys.class, KeysCommand.Trust.class})
final class KeysCommand extends BaseCommand {
    /** The key {@code run} and {@code submit} sign with. */
    static final String DEFAULT_KEY = "runpilot";
    /** The directory under {@code <home>/keys} of trusted public keys. */
    static final String TRUSTED_DIR = "trusted";

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static Path ensureDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            if (isPosix()) {
                Files.setPosixFilePermissions(dir, OWNER_DIR);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    static void ownerOnly(Path file) {
        if (!isPosix()) {
            return;
        }
        try {
            Files.setPosixFilePermissions(file, OWNER_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot chmod 600 " + file + ": " + e.getMessage(), e);
        }
    }

    static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    static String mode(Path file) {
        if (!isPosix()) {
            return "";
        }
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            return "?";
        }
    }

    /** {@code runpilot keys generate}. */
    @Command(name = "generate", description = "Generate a signing key pair: <home>/keys/NAME.key and NAME.pub (0600).")
    static final class Generate extends BaseCommand {
        @Option(names = "--name", paramLabel = "NAME", defaultValue = DEFAULT_KEY,
                description = "Key name. Default: ${DEFAULT-VALUE} (the key run and submit sign with).")
        String name;

        @Override
        public Integer call() {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw usage("--name may use letters, digits, '.', '_' and '-', was '" + name + "'");
            }
            Path dir = ensureDirectory(root().keysDir());
            Path privateFile = dir.resolve(name + ".key");
            Path publicFile = dir.resolve(name + ".pub");
            if (Files.exists(privateFile) || Files.exists(publicFile)) {
                throw new IllegalStateException("Key " + name + " already exists (" + privateFile
                        + "); choose another --name or remove it first");
            }
            SigningKey key = SigningKey.generate();
            key.save(privateFile);
            ownerOnly(privateFile);
            key.verificationKey().save(publicFile);
            ownerOnly(publicFile);

            Output output = output();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", name);
            view.put("keyId", key.keyId());
            view.put("privateKey", privateFile.toString());
            view.put("publicKey", publicFile.toString());
            output.print(view, () -> {
                output.out().println("Generated key " + name + " (key id " + key.keyId() + ")");
                output.out().println("  private: " + privateFile);
                output.out().println("  public:  " + publicFile);
                output.hint("Give the public key to agents: runpilot keys trust " + publicFile);
            });
            return ExitCodes.OK;
        }
    }

    /** {@code runpilot keys list}. */
    @Command(name = "list", aliases = "ls", description = "List signing keys and trusted public keys.")
    static final class ListKeys extends BaseCommand {
        @Override
        public Integer call() {
            Path dir = root().keysDir();
            List<Map<String, Object>> keys = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                for (Path file : files(dir, "*.key")) {
                    keys.add(entry("signing", file, SigningKey.load(file).keyId()));
                }
                for (Path file : files(dir, "*.pub")) {
                    keys.add(entry("public", file, VerificationKey.load(file).keyId()));
                }
                Path trusted = dir.resolve(TRUSTED_DIR);
                if (Files.isDirectory(trusted)) {
                    for (Path file : files(trusted, "*.pub")) {
                        keys.add(entry("trusted", file, VerificationKey.load(file).keyId()));
                    }
                }
            }
            Output output = output();
            output.print(Map.of("keys", keys), () -> {
                if (keys.isEmpty()) {
                    output.hint("No keys in " + dir + " (create one: runpilot keys generate)");
                    return;
                }
                Output.Table table = output.table("TYPE", "NAME", "KEY ID", "MODE", "FILE");
                keys.forEach(k -> table.row(k.get("type"), k.get("name"), k.get("keyId"), k.get("mode"), k.get("file")));
                table.print();
            });
            return ExitCodes.OK;
        }

        private static Map<String, Object> entry(String type, Path file, String keyId) {
            Map<String, Object> entry = new LinkedHashMap<>();
            String fileName = file.getFileName().toString();
            entry.put("type", type);
            entry.put("name", fileName.substring(0, fileName.lastIndexOf('.')));
            entry.put("keyId", keyId);
            entry.put("mode", mode(file));
            entry.put("file", file.toString());
            return entry;
        }

        private static List<Path> files(Path dir, String glob) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
                stream.forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
            }
            files.sort(null);
            return files;
        }
    }

    /** {@code runpilot keys trust}. */
    @Command(name = "trust", description = {"Trust a public key: copy it to <home>/keys/trusted/ (0600).",
            "From then on this machine's agents run only bundles signed by a trusted key."})
    static final class Trust extends BaseCommand {
        @Parameters(paramLabel = "PUBLIC_KEY_FILE", description = "A PEM public key, such as another machine's runpilot.pub.")
        Path file;

        @Option(names = "--name", paramLabel = "NAME", description = "Name to keep it under. Default: its key id.")
        String name;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new ExitCodes.NotFoundException("Public key file " + file + " does not exist");
            }
            VerificationKey key = VerificationKey.load(file);
            String keyName = name != null ? name : key.keyId();
            if (!keyName.matches("[A-Za-z0-9._-]+")) {
                throw usage("--name may use letters, digits, '.', '_' and '-', was '" + keyName + "'");
            }
            Path trusted = ensureDirectory(ensureDirectory(root().keysDir()).resolve(TRUSTED_DIR));
            boolean already = !TrustedKeys.load(trusted).find(key.keyId()).isEmpty();
            Path target = trusted.resolve(keyName + ".pub");
            if (!already) {
                if (Files.exists(target)) {
                    throw new IllegalStateException(target + " already holds another key; choose another --name");
                }
                key.save(target);
                ownerOnly(target);
            }
            Output output = output();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("keyId", key.keyId());
            view.put("file", target.toString());
            view.put("alreadyTrusted", already);
            output.print(view, () -> output.out().println(already
                    ? "Key " + key.keyId() + " was already trusted"
                    : "Trusted key " + key.keyId() + " (" + target + ")"));
            return ExitCodes.OK;
        }
    }
}
