package dev.medallion.common.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The arguments after a command's name, parsed the same way by every command of the project: options with a value ({@code --bucket B} or
 * {@code --bucket=B}), flags ({@code --dry-run}) and positional arguments, in any order; {@code --}
 * ends the options, for a path that starts with a dash.
 */
public final class CommandLine {
    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positionals;

    private CommandLine(Map<String, String> values, Set<String> flags, List<String> positionals) {
        this.values = Map.copyOf(values);
        this.flags = Set.copyOf(flags);
        this.positionals = List.copyOf(positionals);
    }

    public static CommandLine parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions) throws UsageException {
        requireNonNull(args, "args is null");
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals > 0 ? arg.substring(0, equals) : arg;
            if (flagOptions.contains(name)) {
                if (equals > 0) {
                    throw new UsageException(name + " takes no value");
                }
                flags.add(name);
            }
            else if (valueOptions.contains(name)) {
                String value;
                if (equals > 0) {
                    value = arg.substring(equals + 1);
                }
                else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    value = args.get(++i);
                }
                else {
                    throw new UsageException(name + " needs a value");
                }
                if (values.putIfAbsent(name, value) != null) {
                    throw new UsageException(name + " is given twice");
                }
            }
            else {
                throw new UsageException("unknown option " + name);
            }
        }
        return new CommandLine(values, flags, positionals);
    }

    public Optional<String> value(String option) {
        return Optional.ofNullable(values.get(option));
    }

    public String required(String option) throws UsageException {
        String value = values.get(option);
        if (value == null || value.isBlank()) {
            throw new UsageException(option + " is required");
        }
        return value;
    }

    public boolean flag(String option) {
        return flags.contains(option);
    }

    public List<String> positionals() {
        return positionals;
    }

    /** An integer option within bounds; underscores may group digits, as in 16_000_000. */
    public Optional<Long> number(String option, long minimum, long maximum) throws UsageException {
        Optional<String> text = value(option);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        long number;
        try {
            number = Long.parseLong(text.get().strip().replace("_", ""));
        }
        catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number, not '" + text.get() + "'");
        }
        if (number < minimum || number > maximum) {
            throw new UsageException(option + " must be between " + minimum + " and " + maximum + ", not " + number);
        }
        return Optional.of(number);
    }
}
