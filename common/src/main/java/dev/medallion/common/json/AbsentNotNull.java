package dev.medallion.common.json;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A field an older writer leaves out and no writer writes as null ({@link StrictJson}): left out, it reads as its default (0, false,
 * null, which the object's constructor may make its own default); an explicit {@code null} is damage, refused naming the field, never
 * read as the field left out. Jackson cannot say this alone: {@code Nulls.FAIL} refuses a creator property left out as well as one
 * null (jackson-databind #3870, #6063), so the value deserializer tells the two apart ({@link NullRefusingDeserializer}).
 * Not for a field a writer writes as null when it has no value (a manifest's {@code reason}, a build state's {@code previous}).
 */
@Target({ElementType.ANNOTATION_TYPE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@JacksonAnnotationsInside
// The null is the value deserializer's to refuse: no null provider in between, whatever the mapper's default for the type.
@JsonSetter(nulls = Nulls.SET)
@JsonDeserialize(using = NullRefusingDeserializer.class)
public @interface AbsentNotNull {
    /**
     * Who writes the field and who leaves it out, read as what: the message refusing a null says it after
     * {@code null, where a number belongs: }, for the person mending the object.
     */
    String value();
}
