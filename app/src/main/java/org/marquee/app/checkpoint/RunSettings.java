package org.marquee.app.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings that define a run, by the option that sets them ({@code "--split-seed" -> "2017"}),
 * in the order they were recorded. A checkpoint stores them so that a resumed run, an evaluation or
 * a prediction can tell whether it is still the same experiment. Keys starting with
 * {@value #NOTE_PREFIX} are notes for people (where the data was read from) and never compared.
 */
public record RunSettings(Map<String, String> values) {
    public static final String NOTE_PREFIX = "note:";
    public static final RunSettings NONE = new RunSettings(Map.of());

    public RunSettings {
        var copy = new LinkedHashMap<String, String>();
        values.forEach((k, v) -> {
            if (k == null || k.isBlank()) throw new IllegalArgumentException("a run setting needs a name");
            if (v == null) throw new IllegalArgumentException("run setting " + k + " has no value");
            copy.put(k, v);
        });
        values = Collections.unmodifiableMap(copy);
    }

    public static Builder builder() { return new Builder(); }

    public boolean isEmpty() { return values.isEmpty(); }

    public Optional<String> get(String key) { return Optional.ofNullable(values.get(key)); }

    /** These settings with {@code more} added (a key of {@code more} replaces the same key here). */
    public RunSettings with(RunSettings more) {
        var all = new LinkedHashMap<>(values);
        all.putAll(more.values);
        return new RunSettings(all);
    }

    /**
     * Every compared setting whose value differs between these (the recorded ones) and {@code now},
     * a setting present on one side only included; keys in {@code mayChange} and notes are left out.
     */
    public List<Difference> differences(RunSettings now, Set<String> mayChange) {
        var keys = new LinkedHashSet<String>(values.keySet());
        keys.addAll(now.values.keySet());
        List<Difference> out = new ArrayList<>();
        for (String k : keys) {
            if (k.startsWith(NOTE_PREFIX) || mayChange.contains(k)) continue;
            String was = values.get(k), is = now.values.get(k);
            if (was == null || !was.equals(is)) out.add(new Difference(k, was, is));
        }
        return out;
    }

    /** One setting that differs; a null side means the setting was not recorded there. */
    public record Difference(String key, String recorded, String now) {
        @Override
        public String toString() {
            return key + " was " + (recorded == null ? "not recorded" : recorded) + ", now " + (now == null ? "not set" : now);
        }
    }

    /** Collects settings in order. */
    public static final class Builder {
        private final LinkedHashMap<String, String> values = new LinkedHashMap<>();

        public Builder put(String key, Object value) {
            values.put(key, String.valueOf(value));
            return this;
        }

        public Builder note(String key, Object value) {
            return put(NOTE_PREFIX + key, value);
        }

        public RunSettings build() { return new RunSettings(values); }
    }
}
