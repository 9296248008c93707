package dev.medallion.gold.state;

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
 * How gold reads what its builders wrote to the gold bucket (build states, the record before a swap, the build lease): strict,
 * field by field, as the converter reads its manifests. A value of another type than its field's, a key given twice or anything
 * after the object is refused rather than read as another value (Jackson's defaults read {@code 1.5} as 1 and null as 0 for a
 * number, a number or a boolean as its text, {@code "true"} or 1 as true, keep the last of two keys and ignore trailing text), so
 * that an object damaged by hand is said to be damaged, naming the field. A newer builder may add fields; an older one reading them
 * (during a deploy, after a rollback) must not fail: unknown fields are ignored.
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
                // An int (a state's formatVersion) is in every object a builder wrote: null or absent is damage, not 0.
                .withConfigOverride(int.class, override -> override.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL)));
    }
}
