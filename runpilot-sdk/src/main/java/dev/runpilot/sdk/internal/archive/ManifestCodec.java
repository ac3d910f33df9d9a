package dev.runpilot.sdk.internal.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.archive.Manifest;
import dev.runpilot.sdk.archive.ManifestEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The canonical JSON form of a {@link Manifest}: one entry per line, fields in a fixed order,
 * only the fields an entry's type uses. Decoding accepts nothing but this form, so a manifest has
 * exactly one byte sequence and one digest.
 */
public final class ManifestCodec {
    /** The format tag written into every manifest. */
    public static final String FORMAT = "runpilot-bundle/1";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private ManifestCodec() {
    }

    /**
     * Encodes a manifest in canonical form.
     *
     * @param manifest the manifest
     * @return UTF-8 JSON
     */
    public static byte[] encode(Manifest manifest) {
        StringBuilder json = new StringBuilder(64 + manifest.entries().size() * 128);
        json.append("{\"format\":\"").append(FORMAT).append("\",\"entries\":[");
        String separator = "\n";
        for (ManifestEntry entry : manifest.entries()) {
            json.append(separator);
            separator = ",\n";
            json.append("{\"path\":");
            appendString(json, entry.path());
            json.append(",\"type\":\"").append(entry.type().name().toLowerCase(Locale.ROOT)).append('"');
            switch (entry.type()) {
                case FILE -> json.append(",\"mode\":\"").append(octal(entry.mode()))
                        .append("\",\"size\":").append(entry.size())
                        .append(",\"sha256\":\"").append(entry.sha256()).append('"');
                case DIRECTORY -> json.append(",\"mode\":\"").append(octal(entry.mode())).append('"');
                case SYMLINK -> {
                    json.append(",\"target\":");
                    appendString(json, entry.linkTarget());
                }
            }
            json.append('}');
        }
        json.append("\n]}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes a manifest, accepting only its canonical form.
     *
     * @param json the bytes read from the archive
     * @return the manifest
     * @throws ArchiveException with {@link Reason#CORRUPT} if the bytes are not a canonical manifest
     */
    public static Manifest decode(byte[] json) {
        Manifest manifest;
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject() || !fieldNames(root).equals(List.of("format", "entries"))
                    || !FORMAT.equals(root.get("format").asText()) || !root.get("entries").isArray()) {
                throw corrupt("its manifest is not a " + FORMAT + " manifest", null);
            }
            List<ManifestEntry> entries = new ArrayList<>(root.get("entries").size());
            for (JsonNode node : root.get("entries")) {
                entries.add(decodeEntry(node));
            }
            manifest = new Manifest(entries);
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt("its manifest is not valid JSON: " + e.getMessage(), e);
        }
        if (!Arrays.equals(encode(manifest), json)) {
            throw corrupt("its manifest is not in canonical form (it was not written by RunPilot, or was edited)",
                    null);
        }
        return manifest;
    }

    private static ManifestEntry decodeEntry(JsonNode node) {
        if (!node.isObject() || !node.path("type").isTextual() || !node.path("path").isTextual()) {
            throw corrupt("a manifest entry lacks a path or type: " + node, null);
        }
        String path = node.get("path").asText();
        String type = node.get("type").asText();
        switch (type) {
            case "file" -> {
                requireFields(node, List.of("path", "type", "mode", "size", "sha256"));
                if (!node.get("size").canConvertToLong() || !node.get("size").isIntegralNumber()
                        || !Hex.isSha256Hex(node.get("sha256").asText())) {
                    throw corrupt("manifest entry " + path + " has a malformed size or sha256", null);
                }
                return new ManifestEntry(path, ManifestEntry.Type.FILE, mode(node, path, Set.of(0644, 0755)),
                        node.get("size").asLong(), node.get("sha256").asText(), "");
            }
            case "directory" -> {
                requireFields(node, List.of("path", "type", "mode"));
                return new ManifestEntry(path, ManifestEntry.Type.DIRECTORY, mode(node, path, Set.of(0755)), 0, "", "");
            }
            case "symlink" -> {
                requireFields(node, List.of("path", "type", "target"));
                if (!node.get("target").isTextual()) {
                    throw corrupt("manifest entry " + path + " has a malformed link target", null);
                }
                return ManifestEntry.symlink(path, node.get("target").asText());
            }
            default -> throw corrupt("manifest entry " + path + " has unknown type '" + type + "'", null);
        }
    }

    private static int mode(JsonNode node, String path, Set<Integer> allowed) {
        String text = node.get("mode").asText();
        try {
            int mode = Integer.parseInt(text, 8);
            if (allowed.contains(mode)) {
                return mode;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw corrupt("manifest entry " + path + " has mode '" + text + "'; bundles hold only " + allowed.stream()
                .map(ManifestCodec::octal).sorted().toList(), null);
    }

    private static void requireFields(JsonNode node, List<String> expected) {
        if (!fieldNames(node).equals(expected)) {
            throw corrupt("manifest entry " + node.path("path").asText() + " has fields " + fieldNames(node)
                    + ", expected " + expected, null);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String octal(int mode) {
        return String.format(Locale.ROOT, "%04o", mode);
    }

    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }

    private static ArchiveException corrupt(String message, Throwable cause) {
        return new ArchiveException(Reason.CORRUPT, "the archive is not a valid RunPilot bundle: " + message, cause);
    }
}
