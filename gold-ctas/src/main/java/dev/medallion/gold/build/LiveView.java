package dev.medallion.gold.build;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a model's view selects from ({@link LiveViews#read}): the build, none if there is no view yet or it selects from
 * something else, and whether that could be read at all.
 */
record LiveView(Optional<BuildId> build, Optional<String> unreadBecause) {
    LiveView {
        requireNonNull(build, "build is null");
        requireNonNull(unreadBecause, "unreadBecause is null");
    }

    boolean read() {
        return unreadBecause.isEmpty();
    }

    /**
     * For the failure of a build whose swap came after an unread view: the read's own error. Its request may
     * have hung until its time limit, leaving the swap no time to start, and "not started" alone would hide
     * which request took the time and what its limit was.
     */
    String unreadNote() {
        return unreadBecause.map(error -> "; before it, which build the view selects from could not be read: " + error).orElse("");
    }
}
