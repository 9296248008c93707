package dev.medallion.silver;

import java.util.List;

/** The threads a conversion starts that are still running: its pipelines' writers and its range readers. */
final class ConverterThreads {
    private ConverterThreads() {}

    static List<String> live() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("silver-parquet-writer") || name.startsWith("silver-range-reader"))
                .sorted()
                .toList();
    }
}
