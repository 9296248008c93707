package dev.medallion.silver.lambda;

/** Prints what {@link JitLevel} makes of the JVM it runs in; {@link JitLevelTest} starts it with Lambda's conflicting options. */
public final class JitLevelProbe {
    private JitLevelProbe() {}

    public static void main(String[] args) {
        JitLevel level = JitLevel.ofRunningJvm().orElseThrow();
        System.out.println("level=" + level.stopAtLevel() + " origin=" + level.origin() + " c1Only=" + level.c1Only()
                + " warning=" + level.warning().orElse("none"));
    }
}
