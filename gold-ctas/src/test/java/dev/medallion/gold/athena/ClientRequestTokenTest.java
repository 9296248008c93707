package dev.medallion.gold.athena;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ClientRequestToken of a start: names its statement, stays within Athena's 32 to 128 characters, and is never shared. */
class ClientRequestTokenTest {
    private static final UUID RANDOM = UUID.fromString("0b7e6f7e-3c1a-4f3e-9d2b-5a6c7d8e9f01");

    @Test
    void namesTheModelTheBuildAndTheStep() {
        String token = AthenaQueries.clientRequestToken(new QueryStep("revenue_by_day", "20260314233000_a1b2c3", "insert 2/3"), RANDOM);

        assertEquals("revenue_by_day-20260314233000_a1b2c3-insert-2-3-" + RANDOM, token);
    }

    @Test
    void aLongModelNameIsCutToAthenasMaximumKeepingTheRandomPart() {
        String token = AthenaQueries.clientRequestToken(new QueryStep("m".repeat(200), "20260314233000_a1b2c3", "view"), RANDOM);

        assertEquals(128, token.length());
        assertTrue(token.endsWith("-" + RANDOM), token);
    }

    @Test
    void aShortStepStillReachesAthenasMinimum() {
        String token = AthenaQueries.clientRequestToken(new QueryStep("", "", ""), RANDOM);

        assertTrue(token.length() >= 32, token);
        assertTrue(token.matches("[A-Za-z0-9_.-]+"), token);
    }

    @Test
    void twoStartsOfOneStepNeverShareAToken() {
        QueryStep step = new QueryStep("product_totals", "20260314233000_a1b2c3", "view");

        assertNotEquals(AthenaQueries.clientRequestToken(step, UUID.randomUUID()), AthenaQueries.clientRequestToken(step, UUID.randomUUID()));
    }

    @Test
    void aFindableTokenNamesTheModelTheBuildAndTheStepAloneSoAnotherInvocationCanSendItAgain() {
        QueryStep step = new QueryStep("product_totals", "20260314233000_a1b2c3", "view");

        assertEquals("product_totals-20260314233000_a1b2c3-view", AthenaQueries.findableClientRequestToken(step));
        assertEquals(AthenaQueries.findableClientRequestToken(step), AthenaQueries.findableClientRequestToken(new QueryStep("product_totals", "20260314233000_a1b2c3", "view")));
    }

    @Test
    void findableTokensOfOtherBuildsOrStepsDiffer() {
        String token = AthenaQueries.findableClientRequestToken(new QueryStep("product_totals", "20260314233000_a1b2c3", "view"));

        assertNotEquals(token, AthenaQueries.findableClientRequestToken(new QueryStep("product_totals", "20260314233000_a1b2c4", "view")));
        assertNotEquals(token, AthenaQueries.findableClientRequestToken(new QueryStep("product_totals", "20260314233000_a1b2c3", "ctas")));
        assertNotEquals(token, AthenaQueries.findableClientRequestToken(new QueryStep("product_total", "20260314233000_a1b2c3", "view")));
    }

    @Test
    void aFindableTokenOfAShortModelReachesAthenasMinimum() {
        String token = AthenaQueries.findableClientRequestToken(new QueryStep("m", "20260314233000_a1b2c3", "view"));

        assertEquals(32, token.length(), token);
        assertTrue(token.startsWith("m-20260314233000_a1b2c3-view"), token);
    }

    @Test
    void twoLongModelNamesAlikeUpToAthenasMaximumKeepFindableTokensOfTheirOwn() {
        String one = AthenaQueries.findableClientRequestToken(new QueryStep("m".repeat(200) + "a", "20260314233000_a1b2c3", "view"));
        String other = AthenaQueries.findableClientRequestToken(new QueryStep("m".repeat(200) + "b", "20260314233000_a1b2c3", "view"));

        assertNotEquals(one, other);
        assertTrue(one.length() <= 128 && one.matches("[A-Za-z0-9_.-]+") && one.endsWith("-20260314233000_a1b2c3-view"), one);
    }
}
