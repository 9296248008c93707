package dev.medallion.silver.lambda;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import java.lang.management.ManagementFactory;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Which just-in-time compilers the JVM runs, and which setting decided it. Lambda's {@code java17} and
 * {@code java21} runtimes put {@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1} (C1 only) on the JVM's
 * command line, and HotSpot lets the command line override {@code JAVA_TOOL_OPTIONS}; the function sets
 * level 4 in {@code JAVA_TOOL_OPTIONS} for C2, which only takes effect if the bootstrap leaves its own
 * setting out. Only the running JVM can tell, so the handler checks at start and warns when the converter
 * is held to C1: it then spends about 57 % more CPU per file (BENCHMARKS.md).
 *
 * @param tieredCompilation HotSpot's {@code TieredCompilation}: off means C2 only
 * @param stopAtLevel {@code TieredStopAtLevel}: below 4, tiered compilation never reaches C2
 * @param origin where {@code TieredStopAtLevel} came from ({@code VM_CREATION} for the command line,
 *     {@code ENVIRON_VAR} for {@code JAVA_TOOL_OPTIONS}, {@code DEFAULT}, ...)
 */
public record JitLevel(boolean tieredCompilation, int stopAtLevel, String origin) {
    private static final int C2_LEVEL = 4;

    public JitLevel {
        requireNonNull(origin, "origin is null");
    }

    /** The running JVM's, or empty on a JVM without HotSpot's diagnostic bean. */
    public static Optional<JitLevel> ofRunningJvm() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotSpot == null) {
            return Optional.empty();
        }
        VMOption level = hotSpot.getVMOption("TieredStopAtLevel");
        return Optional.of(new JitLevel(
                Boolean.parseBoolean(hotSpot.getVMOption("TieredCompilation").getValue()),
                Integer.parseInt(level.getValue()),
                level.getOrigin().name()));
    }

    /** Whether C2, the compiler this throughput-bound function is tuned for, never runs. */
    public boolean c1Only() {
        return tieredCompilation && stopAtLevel < C2_LEVEL;
    }

    /** What a person reading the log should do about {@link #c1Only()}; empty when C2 runs. */
    public Optional<String> warning() {
        if (!c1Only()) {
            return Optional.empty();
        }
        return Optional.of("The JIT stops at level " + stopAtLevel + " (C1 only; TieredStopAtLevel set by " + origin
                + "): conversions take about 57 % more CPU than they would with C2. The runtime's own JVM options"
                + " prevailed over the function's JAVA_TOOL_OPTIONS (silver_converter_java_tool_options asks for level "
                + C2_LEVEL + "); see docs/configuration.md, \"JIT level\".");
    }
}
