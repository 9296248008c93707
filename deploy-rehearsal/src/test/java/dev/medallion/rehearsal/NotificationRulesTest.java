package dev.medallion.rehearsal;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotificationRulesTest {
    private static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:converter";

    @Test
    void aRuleDeliversTheEventTypesItCoversForKeysMatchingItsFiltersCaseSensitively() {
        NotificationRules rules = NotificationRules.of(GetBucketNotificationConfigurationResponse.builder().lambdaFunctionConfigurations(
                rule("csv", List.of("s3:ObjectCreated:*"), FilterRule.builder().name("suffix").value(".csv").build()),
                rule("upper", List.of("s3:ObjectCreated:Put"), FilterRule.builder().name("Suffix").value(".CSV").build(),
                        FilterRule.builder().name("Prefix").value("sales/").build()))
                .build());

        assertEquals(List.of("csv"), ids(rules.deliveries("sales/2026/x.csv", "ObjectCreated:Put")));
        assertEquals(List.of("csv"), ids(rules.deliveries("sales/2026/x.csv", "ObjectCreated:CompleteMultipartUpload")));
        assertEquals(List.of(), ids(rules.deliveries("sales/2026/x.csv", "ObjectRemoved:Delete")));
        assertEquals(List.of("upper"), ids(rules.deliveries("sales/X.CSV", "ObjectCreated:Put")));
        assertEquals(List.of(), ids(rules.deliveries("sales/X.CSV", "ObjectCreated:Copy")), "an exact event type covers only itself");
        assertEquals(List.of(), ids(rules.deliveries("stores/X.CSV", "ObjectCreated:Put")), "outside the prefix");
        assertEquals(List.of(), ids(rules.deliveries("sales/x.Csv", "ObjectCreated:Put")), "mixed case matches neither suffix");
        assertEquals(List.of(), ids(rules.deliveries("sales/readme.txt", "ObjectCreated:Put")));
    }

    @Test
    void anUnknownFilterRuleIsRefused() {
        GetBucketNotificationConfigurationResponse configuration = GetBucketNotificationConfigurationResponse.builder()
                .lambdaFunctionConfigurations(rule("odd", List.of("s3:ObjectCreated:*"), FilterRule.builder().name("infix").value("x").build()))
                .build();

        assertThrows(IllegalArgumentException.class, () -> NotificationRules.of(configuration));
    }

    @Test
    void aFailureNamesTheEmulatorsAnswer() {
        S3Exception refused = (S3Exception) S3Exception.builder()
                .statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("S3").errorCode("AccessDenied").errorMessage("Access Denied").build())
                .build();

        assertEquals("the emulator refused the call: S3 answered HTTP 403 AccessDenied: Access Denied", RehearsalSteps.describe(refused));
        String wrapped = RehearsalSteps.describe(new IllegalStateException("reading s3://bronze/x.csv", refused));
        assertTrue(wrapped.startsWith("reading s3://bronze/x.csv (the emulator refused the call: S3 answered HTTP 403"), wrapped);
    }

    private static LambdaFunctionConfiguration rule(String id, List<String> events, FilterRule... filters) {
        return LambdaFunctionConfiguration.builder()
                .id(id)
                .lambdaFunctionArn(FUNCTION)
                .eventsWithStrings(events)
                .filter(filter -> filter.key(key -> key.filterRules(filters)))
                .build();
    }

    private static List<String> ids(List<NotificationRules.Rule> rules) {
        return rules.stream().map(NotificationRules.Rule::id).toList();
    }
}
