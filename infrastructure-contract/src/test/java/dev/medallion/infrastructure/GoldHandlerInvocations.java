package dev.medallion.infrastructure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Invokes the gold-ctas jar's handler as the Lambda runtime builds it (the no-argument constructor, configuration and
 * endpoint from the environment), once per argument, in a process whose class path is the shaded jar and this class:
 * {@code {}} (a direct build of what changed), {@code schedule} (gold_schedule's EventBridge event) or {@code sqs} (a batch
 * of the trigger queue holding one silver commit). The handler's JSON lines go to standard output, as in Lambda. Reflection
 * only: this module compiles against gold-ctas without its dependencies (the Lambda runtime's Context among them).
 */
public final class GoldHandlerInvocations {
    private GoldHandlerInvocations() {}

    public static void main(String[] args) throws Exception {
        Class<?> handlerClass = Class.forName("dev.medallion.gold.lambda.GoldCtasHandler");
        Object handler = handlerClass.getConstructor().newInstance();
        Method handle = handlerClass.getMethod("handleRequest", Map.class, Class.forName("com.amazonaws.services.lambda.runtime.Context"));
        for (String event : args) {
            try {
                System.out.println("answered " + event + ": " + handle.invoke(handler, event(event), null));
            }
            catch (InvocationTargetException e) {
                // A failed model fails the invocation (GoldBuildException), after its lines are written.
                System.out.println("failed " + event + ": " + e.getCause());
            }
        }
    }

    private static Map<String, Object> event(String name) {
        return switch (name) {
            case "{}" -> Map.of();
            case "schedule" -> Map.of("detail-type", "Scheduled Event", "source", "aws.events", "resources",
                    List.of("arn:aws:events:us-east-1:123456789012:rule/medallion-dev-gold-schedule"));
            case "sqs" -> {
                Map<String, Object> message = new HashMap<>();
                message.put("eventSource", "aws:sqs");
                message.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:medallion-dev-gold-triggers");
                message.put("messageId", "19dd0b57-b21e-4ac1-bd88-01bbb068cb78");
                message.put("body", "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"silver\"},"
                        + "\"object\":{\"key\":\"_manifests/sales/sales_2026_03-5f6ee5d354.json\"}}}]}");
                yield Map.of("Records", List.of(message));
            }
            default -> throw new IllegalArgumentException("no event " + name + ": {}, schedule or sqs");
        };
    }
}
