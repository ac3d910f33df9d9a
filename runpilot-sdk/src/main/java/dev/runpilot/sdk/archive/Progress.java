package dev.runpilot.sdk.archive;

import java.util.Objects;

/**
 * How far a long operation on a bundle has come: bytes and files done of their totals, in one stage.
 *
 * <p>Totals are known before a stage starts, so {@code bytesDone <= bytesTotal} always holds. A
 * stage that moves one object (an upload) counts it as one file.
 *
 * @param stage what is being done
 * @param bytesDone the bytes done so far in this stage
 * @param bytesTotal the bytes this stage will process
 * @param filesDone the files done so far in this stage
 * @param filesTotal the files this stage will process
 */
public record Progress(Stage stage, long bytesDone, long bytesTotal, long filesDone, long filesTotal) {
    /** The stages of making, moving and unpacking a bundle. */
    public enum Stage {
        /** Reading each file of the source tree to compute its SHA-256 for the manifest. */
        HASHING,
        /** Writing files into the compressed archive. */
        ARCHIVING,
        /** Encrypting the compressed archive. */
        ENCRYPTING,
        /** Sending the bundle to storage. */
        UPLOADING,
        /** Fetching the bundle from storage. */
        DOWNLOADING,
        /** Verifying and writing files out of the archive. */
        EXTRACTING
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a count is negative or beyond its total
     */
    public Progress {
        Objects.requireNonNull(stage, "stage");
        if (bytesDone < 0 || bytesDone > bytesTotal || filesDone < 0 || filesDone > filesTotal) {
            throw new IllegalArgumentException("progress out of range: " + bytesDone + "/" + bytesTotal + " bytes, "
                    + filesDone + "/" + filesTotal + " files");
        }
    }

    /** @return the fraction of bytes done, from 0 to 1 (1 when there is nothing to do) */
    public double fraction() {
        return bytesTotal == 0 ? 1.0 : (double) bytesDone / bytesTotal;
    }

    /** @return true when this stage is complete */
    public boolean isDone() {
        return bytesDone == bytesTotal && filesDone == filesTotal;
    }
}
