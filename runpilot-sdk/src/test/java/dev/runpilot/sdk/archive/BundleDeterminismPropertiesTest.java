package dev.runpilot.sdk.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Random trees: bundling is a function of the tree's names, contents and executable bits only. */
class BundleDeterminismPropertiesTest {
    private static final SigningKey KEY = SigningKey.generate();

    @Provide
    Arbitrary<Map<String, byte[]>> trees() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcdefxyz_-.é文 ").ofMinLength(1).ofMaxLength(12)
                .filter(s -> !s.isBlank() && !s.equals(".") && !s.equals("..") && !s.endsWith(".pyc"));
        Arbitrary<String> path = name.list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("/", parts));
        Arbitrary<byte[]> content = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300).map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.integers().between(0, 3_000_000).map(size -> {
                    byte[] bytes = new byte[size];
                    new Random(size).nextBytes(bytes);
                    return bytes;
                }));
        return Arbitraries.maps(path, content).ofMaxSize(25).map(BundleDeterminismPropertiesTest::withoutPrefixClashes);
    }

    /** Drops paths that would need a file to also be a directory. */
    private static Map<String, byte[]> withoutPrefixClashes(Map<String, byte[]> tree) {
        Map<String, byte[]> clean = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : new TreeMap<>(tree).entrySet()) {
            boolean clash = clean.keySet().stream().anyMatch(p -> entry.getKey().startsWith(p + "/")
                    || p.startsWith(entry.getKey() + "/"));
            if (!clash) {
                clean.put(entry.getKey(), entry.getValue());
            }
        }
        return clean;
    }

    @Property(tries = 40)
    void sameTreeGivesSameBytesWhateverTheCreationOrderTimesAndThreads(@ForAll("trees") Map<String, byte[]> tree,
            @ForAll long seed, @ForAll boolean signed) throws IOException {
        Path temp = Files.createTempDirectory("determinism");
        try {
            Random random = new Random(seed);
            Path first = create(temp.resolve("one"), tree, new ArrayList<>(tree.keySet()), random);
            List<String> shuffled = new ArrayList<>(tree.keySet());
            Collections.shuffle(shuffled, random);
            Path second = create(temp.resolve("two"), tree, shuffled, random);

            Bundler.Builder builder = Bundler.builder();
            if (signed) {
                builder.signer(KEY);
            }
            Bundle a = builder.parallelism(1).build().bundle(first, temp.resolve("a.tar.gz"));
            Bundle b = builder.parallelism(3).build().bundle(second, temp.resolve("b.tar.gz"));
            Bundle c = builder.parallelism(2).build().bundle(first, temp.resolve("c.tar.gz"));

            assertThat(b.sha256()).isEqualTo(a.sha256());
            assertThat(c.sha256()).isEqualTo(a.sha256());
            assertThat(Files.readAllBytes(b.file())).isEqualTo(Files.readAllBytes(a.file()));

            Path out = temp.resolve("out");
            try (InputStream in = Files.newInputStream(a.file())) {
                BundleExtractor.builder().trustedKeys(TrustedKeys.of(KEY.verificationKey())).requireSignature(signed)
                        .build().extract(in, out, a.sha256());
            }
            for (Map.Entry<String, byte[]> file : tree.entrySet()) {
                assertThat(Files.readAllBytes(out.resolve(file.getKey()))).isEqualTo(file.getValue());
            }
        } finally {
            deleteTree(temp);
        }
    }

    private static Path create(Path root, Map<String, byte[]> tree, List<String> order, Random random)
            throws IOException {
        for (String path : order) {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.write(file, tree.get(path));
            Files.setLastModifiedTime(file, FileTime.fromMillis(random.nextInt(Integer.MAX_VALUE) * 1000L));
        }
        Files.createDirectories(root);
        return root;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
