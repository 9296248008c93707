package dev.medallion.common.json;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * How the functions read what they wrote themselves (silver's manifests; gold's build states, the record before a swap, the build
 * lease): strict, field by field. A value of another type than its field's, a key given twice or anything after the object is
 * refused rather than read as another value (Jackson's defaults read {@code 2.5} as 2 and null as 0 for a number, a number or a
 * boolean as its text, {@code "true"} or 1 as true, keep the last of two keys and ignore trailing text), so that an object damaged
 * by hand is said to be damaged, naming the field, never taken for another commit or state. A newer version may add fields; an older
 * one reading them (during a deploy, after a rollback) must not fail: unknown fields are ignored, and what changes an object's
 * meaning raises its format instead.
 * <p>
 * Null is damage too. An {@code int} null or left out is refused (below); a field an older writer leaves out, and no writer writes
 * null, is marked {@link AbsentNotNull}: left out, it reads as its default, null is refused naming the field. A rule for every field
 * would refuse what writers write: a manifest's {@code reason}, {@code quarantine} and {@code limits}, a build state's
 * {@code previous} are written null when there is none, and Jackson's {@code Nulls.FAIL} refuses a field left out as well as null.
 */
public final class StrictJson {
    private StrictJson() {}

    /** A mapper builder reading strictly; a caller adds what it writes with (indentation). */
    public static JsonMapper.Builder mapperBuilder() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                // An int (a format version, a count) is in every object a writer wrote: null or absent is damage, not 0.
                .withConfigOverride(int.class, override -> override.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL)));
    }
}
