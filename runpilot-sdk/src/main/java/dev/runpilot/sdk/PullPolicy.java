package dev.runpilot.sdk;

/** When a container runtime pulls a job's image from its registry. */
public enum PullPolicy {
    /** Pull every time, so a moving tag such as {@code latest} is fresh. */
    ALWAYS,
    /** Use the local image when there is one; pull otherwise. The default. */
    IF_NOT_PRESENT,
    /** Never pull; a missing image is an error naming the image and this policy. */
    NEVER
}
