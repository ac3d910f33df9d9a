import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step of runpilot-cli, run with the JDK's source launcher and ASM after the shade plugin: gives the Java 5
 * (49.0) classes under a package of the runnable jar stack map frames, and marks them Java 6 (50.0).
 *
 * <p>Why: JDK 17's class data sharing leaves out classes older than 50.0 ("Pre JDK 6 class not supported by
 * CDS"), and also 50.0 classes without stack map frames, whose verification falls back to the old
 * type-inferring verifier ("Failed over class verification while dynamic dumping"). picocli ships as 49.0, so
 * without this the AppCDS archive of ./runpilot leaves out the library that takes the largest share of the
 * start-up. ASM computes the frames from the bytecode, which it leaves as it is; 50.0 changed nothing else a
 * 49.0 class could notice.
 *
 * <p>Usage: {@code java -cp asm.jar AddStackMapFrames.java JAR PACKAGE_DIRECTORY}, such as
 * {@code target/runpilot.jar picocli}. When a class cannot be rewritten it fails and leaves the jar as it was.
 */
public final class AddStackMapFrames {
    private static final int JAVA_6 = Opcodes.V1_6;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java -cp asm.jar AddStackMapFrames.java JAR PACKAGE_DIRECTORY");
        }
        Path jar = Path.of(args[0]);
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".frames.tmp");
        Files.copy(jar, rewritten, StandardCopyOption.REPLACE_EXISTING);
        int count = 0;
        // Merging frames needs the common super class of two types: the jar's own classes answer that.
        try (URLClassLoader types = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
                FileSystem zip = FileSystems.newFileSystem(rewritten)) {
            List<Path> classes;
            try (Stream<Path> files = Files.walk(zip.getPath("/", args[1]))) {
                classes = files.filter(file -> file.toString().endsWith(".class")).toList();
            }
            for (Path file : classes) {
                ClassReader reader = new ClassReader(Files.readAllBytes(file));
                if (reader.readUnsignedShort(6) >= JAVA_6) {
                    continue;
                }
                ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
                    @Override
                    protected ClassLoader getClassLoader() {
                        return types;
                    }
                };
                reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public void visit(int version, int access, String name, String signature, String superName,
                            String[] interfaces) {
                        super.visit(JAVA_6, access, name, signature, superName, interfaces);
                    }
                }, 0);
                Files.write(file, writer.toByteArray());
                count++;
            }
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(rewritten);
            throw e;
        }
        Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Added stack map frames to " + count + " class files under " + args[1] + "/ in " + jar
                + "; they are now version 50.0");
    }
}
