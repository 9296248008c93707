package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;

import static java.util.Objects.requireNonNull;

/** A gold model that cannot be built; the message names the model and says why. */
public final class GoldModelException extends Exception {
    private final String model;

    GoldModelException(String model, String problem) {
        super("gold model " + requireNonNull(model, "model is null") + " " + requireNonNull(problem, "problem is null"));
        this.model = model;
    }

    /**
     * A problem of the whole model, at no place in its SQL (a column's type, the partition columns' order, a
     * silver table the lake lacks): the model's file, when it has one, says which file to edit.
     */
    GoldModelException(GoldModel model, String problem) {
        this(requireNonNull(model, "model is null").name() + (model.file().isEmpty() ? "" : " (" + model.file() + ")"), model.name(), problem);
    }

    private GoldModelException(String named, String model, String problem) {
        super("gold model " + named + " " + requireNonNull(problem, "problem is null"));
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
