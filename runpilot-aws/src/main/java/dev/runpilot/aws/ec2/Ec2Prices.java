package dev.runpilot.aws.ec2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A table of EC2 on-demand prices in US dollars per hour, by instance type, used for
 * {@linkplain Ec2ComputeProvider#estimate(dev.runpilot.sdk.Job) cost estimates}.
 *
 * <p>{@link #shipped()} is the table in this jar (us-east-1, dated: see {@link #asOf()}); prices change,
 * so override entries with {@link #with(String, BigDecimal)} or a file with {@link #withFile(Path)}.
 * Immutable.
 *
 * <p>File format: one {@code type,usdPerHour} per line; {@code #} starts a comment;
 * {@code ebs-gp3-gb-month,price} sets the storage price; {@code @as-of,date} names the date.
 */
public final class Ec2Prices {
    private static final String SHIPPED = "prices-us-east-1.csv";
    private static final String EBS = "ebs-gp3-gb-month";
    private static final String AS_OF = "@as-of";

    private final Map<String, BigDecimal> hourly;
    private final BigDecimal ebsGbMonth;
    private final String asOf;

    private Ec2Prices(Map<String, BigDecimal> hourly, BigDecimal ebsGbMonth, String asOf) {
        this.hourly = Map.copyOf(hourly);
        this.ebsGbMonth = ebsGbMonth;
        this.asOf = asOf;
    }

    /**
     * Returns the table shipped in this jar.
     *
     * @return us-east-1 on-demand prices
     */
    public static Ec2Prices shipped() {
        try (InputStream in = Ec2Prices.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IllegalStateException("The shipped EC2 price table " + SHIPPED + " is missing from the runpilot-aws jar");
            }
            return new Ec2Prices(Map.of(), BigDecimal.ZERO, "unknown").merge(in, SHIPPED);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the shipped EC2 price table " + SHIPPED, e);
        }
    }

    /**
     * Returns this table with the entries of a file added or replaced.
     *
     * @param file a CSV file in the format above
     * @return the merged table
     * @throws IllegalArgumentException naming the file and line of a malformed entry
     * @throws UncheckedIOException if the file cannot be read
     */
    public Ec2Prices withFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return merge(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read EC2 price file " + file, e);
        }
    }

    /**
     * Returns this table with one price added or replaced.
     *
     * @param instanceType such as {@code t3.small}
     * @param usdPerHour the on-demand price, zero or more
     * @return the new table
     */
    public Ec2Prices with(String instanceType, BigDecimal usdPerHour) {
        Objects.requireNonNull(instanceType, "instanceType");
        if (usdPerHour.signum() < 0) {
            throw new IllegalArgumentException("Price of " + instanceType + " must not be negative, was " + usdPerHour);
        }
        Map<String, BigDecimal> copy = new TreeMap<>(hourly);
        copy.put(instanceType, usdPerHour);
        return new Ec2Prices(copy, ebsGbMonth, asOf + " (with overrides)");
    }

    /**
     * Returns the on-demand price of an instance type.
     *
     * @param instanceType such as {@code t3.small}
     * @return USD per hour, or empty if the table does not list it
     */
    public Optional<BigDecimal> hourly(String instanceType) {
        return Optional.ofNullable(hourly.get(instanceType));
    }

    /**
     * Returns the price of EBS gp3 storage.
     *
     * @return USD per GB-month
     */
    public BigDecimal ebsGbMonth() {
        return ebsGbMonth;
    }

    /**
     * Returns the date the prices were collected, as written in the table.
     *
     * @return such as {@code 2024-06-01}
     */
    public String asOf() {
        return asOf;
    }

    private Ec2Prices merge(InputStream in, String source) throws IOException {
        Map<String, BigDecimal> merged = new TreeMap<>(hourly);
        BigDecimal ebs = ebsGbMonth;
        String date = asOf;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] parts = text.split(",");
            if (parts.length != 2) {
                throw new IllegalArgumentException(source + ":" + number + ": expected 'type,usdPerHour', found '" + text + "'");
            }
            String key = parts[0].strip();
            if (key.equals(AS_OF)) {
                date = parts[1].strip();
                continue;
            }
            BigDecimal price;
            try {
                price = new BigDecimal(parts[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ":" + number + ": price '" + parts[1].strip() + "' is not a number", e);
            }
            if (price.signum() < 0) {
                throw new IllegalArgumentException(source + ":" + number + ": price of " + key + " must not be negative");
            }
            if (key.equals(EBS)) {
                ebs = price;
            } else {
                merged.put(key, price);
            }
        }
        return new Ec2Prices(merged, ebs, date);
    }

    @Override
    public String toString() {
        return "Ec2Prices{" + hourly.size() + " types, as of " + asOf + '}';
    }
}
