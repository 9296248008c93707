package dev.medallion.bronze.progress;

import java.io.Console;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/** Whether the command talks to a person at a terminal, and how wide that terminal is. */
public final class Terminals {
    private static final int DEFAULT_WIDTH = 80;

    private Terminals() {}

    /**
     * True when a console is attached. From Java 22 on, {@link System#console()} also returns a console
     * when output is redirected, and {@code Console.isTerminal()} tells the two apart; the bytecode is
     * Java 17, so that method is looked up when present.
     */
    public static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (boolean) isTerminal.invoke(console);
        }
        catch (NoSuchMethodException e) {
            return true;
        }
        catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }

    /** The terminal's width as the shell exports it in COLUMNS, else 80. */
    public static int width() {
        return Optional.ofNullable(System.getenv("COLUMNS"))
                .flatMap(Terminals::parsePositive)
                .orElse(DEFAULT_WIDTH);
    }

    private static Optional<Integer> parsePositive(String text) {
        try {
            int value = Integer.parseInt(text.strip());
            return value > 0 ? Optional.of(value) : Optional.empty();
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
