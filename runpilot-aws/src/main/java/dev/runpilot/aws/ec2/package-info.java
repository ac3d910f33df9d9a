/**
 * The {@code ec2} compute provider: an EC2 instance per run, launched from a managed launch template,
 * whose agent runs that run once and whose instance is terminated afterwards; with orphan
 * reconciliation, a price table for cost estimates, and an IAM setup helper. See docs/ec2.md.
 *
 * @since 0.2.0
 */
package dev.runpilot.aws.ec2;
