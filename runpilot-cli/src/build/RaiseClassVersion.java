import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Build step of runpilot-cli, run with the JDK's source launcher after the shade plugin: raises the class file
 * version of the Java 5 (49.0) classes under a package of the runnable jar to Java 6 (50.0).
 *
 * <p>Why: JDK 17's class data sharing skips classes older than 50.0 ("Pre JDK 6 class not supported by CDS"),
 * and picocli ships as 49.0, so without this the AppCDS archive of ./runpilot leaves out the library that takes
 * the largest share of the start-up. The change is safe: 50.0 added only the optional StackMapTable attribute,
 * and the JVM verifies 50.0 classes without one the way it verifies 49.0 classes.
 *
 * <p>Usage: {@code java RaiseClassVersion.java JAR PACKAGE_DIRECTORY}, such as {@code target/runpilot.jar picocli}.
 */
public final class RaiseClassVersion {
    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java RaiseClassVersion.java JAR PACKAGE_DIRECTORY");
        }
        Path jar = Path.of(args[0]);
        int raised = 0;
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            List<Path> classes;
            try (Stream<Path> files = Files.walk(zip.getPath("/", args[1]))) {
                classes = files.filter(file -> file.toString().endsWith(".class")).toList();
            }
            for (Path file : classes) {
                byte[] bytes = Files.readAllBytes(file);
                boolean isClass = bytes.length > 8 && (bytes[0] & 0xff) == 0xca && (bytes[1] & 0xff) == 0xfe
                        && (bytes[2] & 0xff) == 0xba && (bytes[3] & 0xff) == 0xbe;
                int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
                if (isClass && major < JAVA_6) {
                    bytes[6] = 0;
                    bytes[7] = JAVA_6;
                    Files.write(file, bytes);
                    raised++;
                }
            }
        }
        System.out.println("Raised " + raised + " class files under " + args[1] + "/ in " + jar + " to version 50.0");
    }
}
