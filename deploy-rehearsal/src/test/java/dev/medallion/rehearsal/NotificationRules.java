package dev.medallion.rehearsal;

import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A bucket's Lambda notification configurations as S3 applies them: a rule delivers an event when the
 * event's type is one of its events ({@code s3:ObjectCreated:*} covering every {@code ObjectCreated}
 * type) and the key matches its prefix and suffix filters (case-sensitive, as S3 compares them; filter
 * rule names are not). S3 refuses configurations whose rules overlap for the same event type, so a key
 * is delivered by at most one rule.
 */
final class NotificationRules {
    /** One Lambda notification configuration. */
    record Rule(String id, String functionArn, List<String> events, String prefix, String suffix) {
        boolean delivers(String key, String eventName) {
            return key.startsWith(prefix) && key.endsWith(suffix) && events.stream().anyMatch(event -> covers(event, "s3:" + eventName));
        }

        private static boolean covers(String configured, String eventType) {
            return configured.endsWith(":*") ? eventType.startsWith(configured.substring(0, configured.length() - 1)) : configured.equals(eventType);
        }
    }

    private final List<Rule> rules;

    private NotificationRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    static NotificationRules of(GetBucketNotificationConfigurationResponse configuration) {
        requireNonNull(configuration, "configuration is null");
        List<Rule> rules = new ArrayList<>();
        for (LambdaFunctionConfiguration lambda : configuration.lambdaFunctionConfigurations()) {
            String prefix = "";
            String suffix = "";
            if (lambda.filter() != null && lambda.filter().key() != null) {
                for (FilterRule rule : lambda.filter().key().filterRules()) {
                    switch (rule.nameAsString().toLowerCase(Locale.ROOT)) {
                        case "prefix" -> prefix = rule.value();
                        case "suffix" -> suffix = rule.value();
                        default -> throw new IllegalArgumentException("Unknown S3 filter rule " + rule.nameAsString() + " in " + lambda.id());
                    }
                }
            }
            rules.add(new Rule(lambda.id(), lambda.lambdaFunctionArn(), lambda.eventsAsStrings(), prefix, suffix));
        }
        return new NotificationRules(rules);
    }

    List<Rule> rules() {
        return rules;
    }

    /** The rules that deliver an event of this type (such as {@code ObjectCreated:Put}) for this key. */
    List<Rule> deliveries(String key, String eventName) {
        return rules.stream().filter(rule -> rule.delivers(key, eventName)).toList();
    }
}
