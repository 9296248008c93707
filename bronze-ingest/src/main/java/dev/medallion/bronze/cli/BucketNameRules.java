package dev.medallion.bronze.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * S3's general purpose bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming rules",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), checked before any request:
 * HeadBucket answers a name S3 could never have given with "does not exist", which sends a person looking for
 * a bucket rather than at what they typed.
 *
 * <p>The reserved suffixes of the same page are not checked: {@code -s3alias} and {@code --ol-s3} end access
 * point aliases, and {@code --x-s3} directory buckets, all of which S3 takes where a bucket name goes. Names that
 * us-east-1 allowed before March 2018 (uppercase, underscores, up to 255 characters) are refused: the stack's
 * Terraform creates the bronze bucket, under today's rules.
 */
final class BucketNameRules {
    static final String RULES_URL = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html";
    private static final int MIN_LENGTH = 3;
    private static final int MAX_LENGTH = 63;
    private static final List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private BucketNameRules() {}

    /** The rule {@code name} breaks, said as the rule and what the name does instead; empty when it keeps them all. */
    static Optional<String> brokenRule(String name) {
        requireNonNull(name, "name is null");
        if (name.length() < MIN_LENGTH || name.length() > MAX_LENGTH) {
            return Optional.of("a bucket name is " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long, and '" + name + "' is " + name.length());
        }
        String outside = name.codePoints()
                .filter(c -> !isLowercaseLetterOrDigit(c) && c != '.' && c != '-')
                .distinct()
                .mapToObj(c -> "'" + Character.toString(c) + "'")
                .collect(Collectors.joining(", "));
        if (!outside.isEmpty()) {
            return Optional.of("a bucket name holds only lowercase letters, digits, periods (.) and hyphens (-), and this one holds " + outside);
        }
        if (!isLowercaseLetterOrDigit(name.charAt(0))) {
            return Optional.of("a bucket name begins and ends with a lowercase letter or a digit, and this one begins with '" + name.charAt(0) + "'");
        }
        char last = name.charAt(name.length() - 1);
        if (!isLowercaseLetterOrDigit(last)) {
            return Optional.of("a bucket name begins and ends with a lowercase letter or a digit, and this one ends with '" + last + "'");
        }
        if (name.contains("..")) {
            return Optional.of("a bucket name holds no two adjacent periods");
        }
        if (IP_ADDRESS.matcher(name).matches()) {
            // Most likely an emulator's or proxy's address typed where the bucket goes.
            return Optional.of("a bucket name is not formatted as an IP address; an S3 emulator's address goes in --endpoint-url, such as http://"
                    + name + ":4566");
        }
        return RESERVED_PREFIXES.stream()
                .filter(name::startsWith)
                .findFirst()
                .map(prefix -> "a bucket name does not start with " + prefix + ", which S3 reserves");
    }

    private static boolean isLowercaseLetterOrDigit(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** For messages: the rules' source, which the refusal cites. */
    static String citation() {
        return String.format(Locale.ROOT, "S3 User Guide, general purpose bucket naming rules: %s", RULES_URL);
    }
}
