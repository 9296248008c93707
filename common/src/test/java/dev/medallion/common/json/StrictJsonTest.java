package dev.medallion.common.json;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One rule for a field an older writer leaves out and no writer writes null ({@link AbsentNotNull}): left out, it reads as its
 * default; null, it is refused naming the field and saying why; a value of another type is refused as for any field.
 */
class StrictJsonTest {
    private final ObjectMapper mapper = StrictJson.mapperBuilder().build();

    record Written(
            int formatVersion,
            @AbsentNotNull("a writer writes its count, one before it leaves it out (read as 0)") long count,
            @AbsentNotNull("a writer writes its version, one before it leaves it out (read as 1)") Integer version,
            @AbsentNotNull("a writer writes it, one before it leaves it out (read as false)") boolean batch,
            @AbsentNotNull("a writer writes the list, one before it leaves it out (read as empty)") List<String> names,
            @AbsentNotNull("a writer writes its token, one before it leaves it out (read as none)") String token,
            String note) {
        Written {
            version = version == null ? 1 : version;
            names = names == null ? List.of() : List.copyOf(names);
        }
    }

    @Test
    void aFieldLeftOutReadsAsItsDefault() throws Exception {
        Written read = mapper.readValue("{\"formatVersion\": 1}", Written.class);

        assertEquals(new Written(1, 0, 1, false, List.of(), null, null), read);
    }

    @Test
    void aFieldWrittenReadsAsWritten() throws Exception {
        Written read = mapper.readValue("{\"formatVersion\": 1, \"count\": 7, \"version\": 3, \"batch\": true, \"names\": [\"a\"], \"token\": \"t\","
                + " \"note\": \"n\"}", Written.class);

        assertEquals(new Written(1, 7, 3, true, List.of("a"), "t", "n"), read);
    }

    @Test
    void anExplicitNullIsRefusedNamingTheFieldAndSayingWhy() {
        assertRefused("count", "null, where a number belongs: a writer writes its count, one before it leaves it out (read as 0)");
        assertRefused("version", "null, where a number belongs: a writer writes its version, one before it leaves it out (read as 1)");
        assertRefused("batch", "null, where true or false belongs: a writer writes it, one before it leaves it out (read as false)");
        assertRefused("names", "null, where a list belongs: a writer writes the list, one before it leaves it out (read as empty)");
        assertRefused("token", "null, where text belongs: a writer writes its token, one before it leaves it out (read as none)");
    }

    /** The field's own type's rules still hold: the mapper's strictness is not lost by the rule for null. */
    @Test
    void aValueOfAnotherTypeIsRefusedAsForAnyField() {
        for (String damaged : List.of("\"count\": 2.5", "\"count\": \"7\"", "\"version\": 2.5", "\"version\": \"2\"", "\"batch\": 1",
                "\"batch\": \"true\"", "\"names\": [1]", "\"token\": 5")) {
            String field = damaged.substring(1, damaged.indexOf('"', 1));
            JsonMappingException refused = assertThrows(JsonMappingException.class,
                    () -> mapper.readValue("{\"formatVersion\": 1, " + damaged + "}", Written.class), damaged);
            assertEquals(field, refused.getPath().get(0).getFieldName(), refused.getMessage());
        }
    }

    /** A field without the rule is read as Jackson reads it: a writer may write it null (a manifest's reason). */
    @Test
    void aFieldWithoutTheRuleReadsNullAsNull() throws Exception {
        assertNull(mapper.readValue("{\"formatVersion\": 1, \"note\": null}", Written.class).note());
    }

    private void assertRefused(String field, String why) {
        MismatchedInputException refused = assertThrows(MismatchedInputException.class,
                () -> mapper.readValue("{\"formatVersion\": 1, \"" + field + "\": null}", Written.class), field);
        assertEquals(field, refused.getPath().get(0).getFieldName(), refused.getMessage());
        assertEquals(why, refused.getOriginalMessage());
    }
}
