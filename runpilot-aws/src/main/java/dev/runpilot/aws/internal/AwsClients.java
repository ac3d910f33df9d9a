package dev.runpilot.aws.internal;

/** What RunPilot's AWS clients share. */
public final class AwsClients {
    /** The region used when none is configured. */
    public static final String FALLBACK_REGION = "us-east-1";

    private AwsClients() {
    }

    /**
     * The region from {@code aws.region} or {@code AWS_REGION}, else us-east-1. Deliberately not the
     * SDK's full chain, which may ask the instance metadata service of whatever host this runs on.
     */
    public static String defaultRegion() {
        String property = System.getProperty("aws.region");
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("AWS_REGION");
        return env != null && !env.isBlank() ? env : FALLBACK_REGION;
    }
}
