package dev.medallion.infrastructure;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The environment variables a settings class reads: its public static String constants, as the contract tests find them. */
final class SettingsVariables {
    private SettingsVariables() {
    }

    /** The names the given settings classes read, sorted. */
    static Set<String> readBy(Class<?>... settings) {
        Set<String> names = new TreeSet<>();
        Stream.of(settings)
                .flatMap(type -> Stream.of(type.getDeclaredFields()))
                .filter(field -> Modifier.isPublic(field.getModifiers()) && Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
                .map(SettingsVariables::constant)
                .forEach(names::add);
        return names;
    }

    private static String constant(Field field) {
        try {
            return (String) field.get(null);
        }
        catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }
}
