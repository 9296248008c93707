package dev.medallion.local.gold;

import static java.util.Objects.requireNonNull;

/** A gold model that cannot be built; the message names the model and says why. */
public final class GoldModelException extends Exception {
    private final String model;

    GoldModelException(String model, String problem) {
        super("gold model " + requireNonNull(model, "model is null") + " " + requireNonNull(problem, "problem is null"));
        this.model = model;
    }

    GoldModelException(String model, String problem, Throwable cause) {
        this(model, problem);
        initCause(cause);
    }

    public String model() {
        return model;
    }
}
