package dev.medallion.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldSettingsTest {
    private static final Map<String, String> REQUIRED = Map.of(
            "GOLD_BUCKET", "gold",
            "SILVER_BUCKET", "silver",
            "SILVER_DATABASE", "lake_silver",
            "GOLD_DATABASE", "lake_gold",
            "ATHENA_WORKGROUP", "lake");

    private static GoldSettings settings(Map<String, String> base, String... pairs) {
        Map<String, String> variables = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            variables.put(pairs[i], pairs[i + 1]);
        }
        return GoldSettings.fromEnvironment(new Environment(variables));
    }

    @Test
    void readsEveryVariableWithPrefixesDefaultingToEmptyAndTheDmlQueryTimeoutToAthenasDefault() {
        GoldSettings settings = settings(REQUIRED);
        assertEquals(new GoldSettings("gold", "", "silver", "", "lake_silver", "lake_gold", "lake", Duration.ofMinutes(30)), settings);
        assertEquals(Duration.ofMinutes(30), settings(REQUIRED, "ATHENA_DML_QUERY_TIMEOUT_MINUTES", "  ").athenaDmlQueryTimeout());
    }

    /** An account that raised Athena's DML query timeout (a Service Quota, up to 240 minutes) says so, and the builder keeps builds that long. */
    @ParameterizedTest
    @ValueSource(ints = {30, 120, 240})
    void theDmlQueryTimeoutIsTheAccountsInMinutes(int minutes) {
        assertEquals(Duration.ofMinutes(minutes), settings(REQUIRED, "ATHENA_DML_QUERY_TIMEOUT_MINUTES", " " + minutes + " ").athenaDmlQueryTimeout());
    }

    /**
     * Below Athena's default the builder would remove builds under readers' queries, and the quota is never lower; above 240 it
     * cannot be raised; anything but a whole number is no number of minutes. Each stops the function at start, naming the variable.
     */
    @ParameterizedTest
    @ValueSource(strings = {"29", "0", "-30", "241", "4000000000", "45.5", "30m", "PT30M"})
    void aDmlQueryTimeoutAthenaCannotHaveIsRefusedWithTheVariablesName(String given) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(REQUIRED, "ATHENA_DML_QUERY_TIMEOUT_MINUTES", given));
        assertTrue(e.getMessage().contains("ATHENA_DML_QUERY_TIMEOUT_MINUTES") && e.getMessage().contains(given),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GOLD_BUCKET", "SILVER_BUCKET", "SILVER_DATABASE", "GOLD_DATABASE", "ATHENA_WORKGROUP"})
    void aMissingRequiredVariableIsNamed(String variable) {
        Map<String, String> variables = new HashMap<>(REQUIRED);
        variables.remove(variable);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(variables));
        assertTrue(e.getMessage().contains(variable) && e.getMessage().contains("not set"), e.getMessage());

        variables.put(variable, "  ");
        e = assertThrows(ConfigurationException.class, () -> settings(variables));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "gold/, gold/",
            "/gold, gold/",
            "'  a/b  ', a/b/",
            "'', ''",
    })
    void prefixesEndInOneSlashAndNeverStartWithOne(String given, String expected) {
        assertEquals(expected, settings(REQUIRED, "GOLD_PREFIX", given).goldPrefix());
        assertEquals(expected, settings(REQUIRED, "SILVER_PREFIX", given).silverPrefix());
    }

    @Test
    void aBucketWithAKeyPrefixIsRefusedWithTheVariablesName() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(REQUIRED, "GOLD_BUCKET", "gold/tables"));
        assertTrue(e.getMessage().contains("GOLD_BUCKET") && e.getMessage().contains("GOLD_PREFIX"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lake-silver", "Lake_Silver", "1silver", "lake silver", "lake.silver"})
    void theSilverDatabaseMustBeAPlainIdentifierBecauseModelsNameItUnquoted(String name) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(REQUIRED, "SILVER_DATABASE", name));
        assertTrue(e.getMessage().contains("SILVER_DATABASE") && e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void theGoldDatabaseIsQuotedWhereverItAppearsSoAnyGlueNameWillDo() {
        assertEquals("lake-gold", settings(REQUIRED, "GOLD_DATABASE", "lake-gold").goldDatabase());
    }

    @Test
    void theSilverVariablesAreTheConvertersOwn() {
        // The same bucket and prefix configure both functions: one name each, whichever reads it.
        assertEquals(SilverSettings.SILVER_BUCKET, GoldSettings.SILVER_BUCKET);
        assertEquals(SilverSettings.SILVER_PREFIX, GoldSettings.SILVER_PREFIX);
    }

    @Test
    void publicStringConstantsAreExactlyTheVariablesRead() throws IllegalAccessException {
        // The contract tests discover the variables this way; an unrelated public String constant would
        // make them ask Terraform for a variable nobody reads.
        Set<String> constants = new TreeSet<>();
        for (Field field : GoldSettings.class.getDeclaredFields()) {
            if (Modifier.isPublic(field.getModifiers()) && Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                constants.add((String) field.get(null));
            }
        }
        Set<String> read = new TreeSet<>(REQUIRED.keySet());
        read.addAll(Set.of("GOLD_PREFIX", "SILVER_PREFIX", "ATHENA_DML_QUERY_TIMEOUT_MINUTES"));
        assertEquals(read, constants);
    }
}
