package dev.medallion.gold.lambda;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldRequestTest {
    @Test
    void aSucceededCrawlBuildsEveryModel() {
        GoldRequest request = GoldRequest.parse(Map.of(
                "detail-type", "Glue Crawler State Change",
                "source", "aws.glue",
                "detail", Map.of("crawlerName", "medallion-dev-silver", "state", "Succeeded")));

        assertEquals(Optional.empty(), request.models());
        assertFalse(request.force());
        assertEquals(Optional.empty(), request.ignored());
        assertEquals("crawler medallion-dev-silver Succeeded", request.trigger());
    }

    @Test
    void aCrawlThatDidNotSucceedIsIgnoredWithItsState() {
        GoldRequest request = GoldRequest.parse(Map.of(
                "detail-type", "Glue Crawler State Change",
                "detail", Map.of("crawlerName", "medallion-dev-silver", "state", "Failed")));

        assertTrue(request.ignored().orElseThrow().contains("Failed"), request.toString());
    }

    @Test
    void aScheduleBuildsEveryModel() {
        GoldRequest request = GoldRequest.parse(Map.of("detail-type", "Scheduled Event", "source", "aws.events",
                "resources", List.of("arn:aws:events:eu-west-1:123456789012:rule/gold-nightly")));

        assertEquals(Optional.empty(), request.models());
        assertTrue(request.trigger().contains("gold-nightly"), request.trigger());
    }

    @Test
    void aDirectInvocationNamesModelsAndMayForceThem() {
        GoldRequest request = GoldRequest.parse(Map.of("models", List.of("daily_sales", "top_products"), "force", true));

        assertEquals(Optional.of(List.of("daily_sales", "top_products")), request.models());
        assertTrue(request.force());
        assertEquals(Optional.empty(), GoldRequest.parse(Map.of()).models(), "{} builds every model");
        assertEquals(Optional.empty(), GoldRequest.parse(Map.of("models", List.of())).models(), "so does an empty list");
    }

    @Test
    void malformedRequestsAreRefusedWithWhatIsAccepted() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("model", List.of("daily_sales"))));
        assertTrue(typo.getMessage().contains("[model]") && typo.getMessage().contains("\"models\""), typo.getMessage());

        assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("models", "daily_sales")));
        assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("models", List.of(1))));
        assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("force", "yes")));

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> GoldRequest.parse(Map.of("detail-type", "Object Created", "source", "aws.s3")));
        assertTrue(other.getMessage().contains("Object Created") && other.getMessage().contains("aws.s3"), other.getMessage());
    }
}
