package dev.runpilot.aws.internal.ec2;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Which EC2 errors mean "no room for this instance type here" (try another type or subnet). */
final class CapacityErrors {
    private static final Set<String> CODES = Set.of(
            "InsufficientInstanceCapacity", "InsufficientCapacity", "InsufficientHostCapacity",
            "InsufficientReservedInstanceCapacity", "InstanceLimitExceeded", "VcpuLimitExceeded",
            "MaxSpotInstanceCountExceeded", "SpotMaxPriceTooLow", "InsufficientFreeAddressesInSubnet",
            "Unsupported");

    private CapacityErrors() {
    }

    static boolean isCapacity(AwsServiceException e) {
        return e.awsErrorDetails() != null && CODES.contains(e.awsErrorDetails().errorCode());
    }

    static String describe(AwsServiceException e) {
        return e.awsErrorDetails() == null ? e.getMessage()
                : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }
}
