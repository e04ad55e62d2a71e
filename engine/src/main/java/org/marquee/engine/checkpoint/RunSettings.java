package org.marquee.engine.checkpoint;

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
 *
 * @param values the settings by key, in the order recorded
 */
public record RunSettings(Map<String, String> values) {
    /** Keys starting with this are notes, never compared. */
    public static final String NOTE_PREFIX = "note:";
    /** No settings recorded. */
    public static final RunSettings NONE = new RunSettings(Map.of());

    /**
     * Checks and copies the settings, keeping their order.
     *
     * @throws IllegalArgumentException when a name is blank or a value missing
     *
     * @param values the record component of that name
     */
    public RunSettings {
        var copy = new LinkedHashMap<String, String>();
        values.forEach((k, v) -> {
            if (k == null || k.isBlank()) throw new IllegalArgumentException("a run setting needs a name");
            if (v == null) throw new IllegalArgumentException("run setting " + k + " has no value");
            copy.put(k, v);
        });
        values = Collections.unmodifiableMap(copy);
    }

    /**
     * A builder of settings in order.
     *
     * @return an empty builder
     */
    public static Builder builder() { return new Builder(); }

    /**
     * Whether no setting is recorded.
     *
     * @return true when empty
     */
    public boolean isEmpty() { return values.isEmpty(); }

    /**
     * The value of a setting.
     *
     * @param key the option ("--seed")
     * @return its value, if recorded
     */
    public Optional<String> get(String key) { return Optional.ofNullable(values.get(key)); }

    /**
     * These settings with {@code more} added (a key of {@code more} replaces the same key here).
     *
     * @param more the settings to add
     * @return the combined settings
     */
    public RunSettings with(RunSettings more) {
        var all = new LinkedHashMap<>(values);
        all.putAll(more.values);
        return new RunSettings(all);
    }

    /**
     * Every compared setting whose value differs between these (the recorded ones) and {@code now},
     * a setting present on one side only included; keys in {@code mayChange} and notes are left out.
     *
     * @param now the settings of the run now
     * @param mayChange keys that may differ
     * @return the differences, in order
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

    /**
     * One setting that differs; a null side means the setting was not recorded there.
     *
     * @param key the setting
     * @param recorded its recorded value, or null
     * @param now its value now, or null
     */
    public record Difference(String key, String recorded, String now) {
        @Override
        public String toString() {
            return key + " was " + (recorded == null ? "not recorded" : recorded) + ", now " + (now == null ? "not set" : now);
        }
    }

    /** Collects settings in order. */
    public static final class Builder {
        private Builder() {}

        private final LinkedHashMap<String, String> values = new LinkedHashMap<>();

        /**
         * Records a setting.
         *
         * @param key the option
         * @param value its value (as text)
         * @return this builder
         */
        public Builder put(String key, Object value) {
            values.put(key, String.valueOf(value));
            return this;
        }

        /**
         * Records a note for people, never compared.
         *
         * @param key the note's name
         * @param value its text
         * @return this builder
         */
        public Builder note(String key, Object value) {
            return put(NOTE_PREFIX + key, value);
        }

        /**
         * The settings recorded.
         *
         * @return the settings
         */
        public RunSettings build() { return new RunSettings(values); }
    }
}
