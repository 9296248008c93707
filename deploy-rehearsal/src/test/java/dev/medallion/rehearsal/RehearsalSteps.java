package dev.medallion.rehearsal;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Runs the rehearsal's steps in order, printing what each did, and turns a failure into one that names
 * the step and, when the emulator refused a call, its answer (service, HTTP status, error code and
 * message).
 */
final class RehearsalSteps {
    /** A step's body. */
    @FunctionalInterface
    interface Body<T> {
        T run() throws Exception;
    }

    /** A step's body with no result. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private final PrintStream out;
    private final long started = System.nanoTime();
    private int number;

    RehearsalSteps(PrintStream out) {
        this.out = out;
    }

    <T> T run(String name, Body<T> body) {
        number++;
        String label = "step " + number + ", " + name;
        out.println("[rehearsal] " + label);
        long stepStarted = System.nanoTime();
        try {
            T result = body.run();
            out.printf(Locale.ROOT, "[rehearsal]   done in %.1f s (%.1f s in all)%n", secondsSince(stepStarted), secondsSince(started));
            return result;
        }
        catch (Throwable e) {
            out.printf(Locale.ROOT, "[rehearsal]   FAILED after %.1f s: %s%n", secondsSince(stepStarted), describe(e));
            throw new AssertionError("Deploy rehearsal failed at " + label + ": " + describe(e), e);
        }
    }

    void run(String name, Action action) {
        run(name, () -> {
            action.run();
            return null;
        });
    }

    /** One line of what a step did. */
    void say(String line) {
        out.println("[rehearsal]   " + line);
    }

    double seconds() {
        return secondsSince(started);
    }

    /** The failure's message, with the emulator's answer when a call was refused. */
    static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AwsServiceException refused) {
                AwsErrorDetails details = refused.awsErrorDetails();
                String answer = details == null ? String.valueOf(refused.getMessage())
                        : details.serviceName() + " answered HTTP " + refused.statusCode() + " " + details.errorCode() + ": " + details.errorMessage();
                return cause == failure ? "the emulator refused the call: " + answer
                        : failure.getMessage() + " (the emulator refused the call: " + answer + ")";
            }
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
