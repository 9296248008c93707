package dev.medallion.common.config;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Typed access to environment variables, with defaults and errors that name the variable.
 * Built from a map so tests and the local command can supply their own.
 */
public final class Environment {
    private final Map<String, String> variables;

    public Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(requireNonNull(variables, "variables is null"));
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    public Optional<String> optional(String name) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.trim());
    }

    public String required(String name, String meaning) {
        return optional(name).orElseThrow(() -> new ConfigurationException(
                "Environment variable " + name + " is not set: it must hold " + meaning));
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public long positiveLong(String name, long defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.get().replace("_", ""));
            if (parsed > 0) {
                return parsed;
            }
        }
        catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigurationException(
                "Environment variable " + name + " must be a positive whole number, got '" + value.get() + "'");
    }

    public int positiveInt(String name, int defaultValue) {
        long value = positiveLong(name, defaultValue);
        if (value > Integer.MAX_VALUE) {
            throw new ConfigurationException(
                    "Environment variable " + name + " must be at most " + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }
}
