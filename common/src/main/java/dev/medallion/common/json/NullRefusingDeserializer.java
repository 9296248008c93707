package dev.medallion.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.util.AccessPattern;

import java.io.IOException;
import java.util.Collection;

/**
 * The value deserializer of an {@link AbsentNotNull} field: the field's own type's deserializer, found in the mapper (so a value of
 * another type is refused as the mapper's coercion rules refuse it, {@code 2.5} or {@code "2"} for a number), except that a null is
 * refused and a field left out reads as that deserializer reads it absent. Jackson asks a value deserializer for both apart: its
 * null value for a JSON null, its absent value for a creator property left out. Used through the annotation only, which gives it the
 * reason.
 */
public final class NullRefusingDeserializer extends StdDeserializer<Object> implements ContextualDeserializer {
    private final JsonDeserializer<Object> values;
    private final String why;

    /** As Jackson makes it from the annotation, before it is made for a property ({@link #createContextual}). */
    public NullRefusingDeserializer() {
        super(Object.class);
        this.values = null;
        this.why = null;
    }

    private NullRefusingDeserializer(JavaType type, JsonDeserializer<Object> values, String why) {
        super(type);
        this.values = values;
        this.why = why;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property) throws JsonMappingException {
        AbsentNotNull rule = property == null ? null : property.getAnnotation(AbsentNotNull.class);
        if (rule == null) {
            return context.reportBadDefinition(Object.class, "NullRefusingDeserializer is for a property annotated @AbsentNotNull, which says why"
                    + " a null there is damage; it was used for " + (property == null ? "a value of no property" : "property " + property.getName()));
        }
        return new NullRefusingDeserializer(property.getType(), context.findContextualValueDeserializer(property.getType(), property), rule.value());
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        return contextual().deserialize(parser, context);
    }

    @Override
    public Object getNullValue(DeserializationContext context) throws JsonMappingException {
        throw MismatchedInputException.from(context.getParser(), getValueType(), "null, where " + expected(getValueType()) + " belongs: " + why);
    }

    @Override
    public Object getAbsentValue(DeserializationContext context) throws JsonMappingException {
        // As the field's own deserializer reads it left out: 0 or false for a primitive, null otherwise (the constructor's default).
        return contextual().getAbsentValue(context);
    }

    @Override
    public Object getEmptyValue(DeserializationContext context) throws JsonMappingException {
        return contextual().getEmptyValue(context);
    }

    @Override
    public AccessPattern getNullAccessPattern() {
        // Asked for each null, never cached as a constant: each null is refused.
        return AccessPattern.DYNAMIC;
    }

    @Override
    public AccessPattern getEmptyAccessPattern() {
        return AccessPattern.DYNAMIC;
    }

    private JsonDeserializer<Object> contextual() {
        if (values == null) {
            throw new IllegalStateException("NullRefusingDeserializer used without a property: annotate the field @AbsentNotNull");
        }
        return values;
    }

    /** What the field holds, as the message says it: {@code a number}, {@code true or false}, {@code text}, {@code a list}. */
    private static String expected(JavaType type) {
        Class<?> raw = type == null ? Object.class : type.getRawClass();
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(raw)) {
            return "text";
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            return "a list";
        }
        return "an object";
    }
}
