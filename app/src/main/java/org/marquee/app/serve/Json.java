package org.marquee.app.serve;

import java.util.List;
import java.util.Locale;

/** The little JSON the page needs, written by hand: objects built field by field, numbers in Java's round-trip form. */
final class Json {
    private final StringBuilder sb = new StringBuilder();
    private boolean first = true;

    private Json(char open) { sb.append(open); }

    static Json object() { return new Json('{'); }

    private Json key(String name) {
        if (!first) sb.append(',');
        first = false;
        sb.append(quote(name)).append(':');
        return this;
    }

    Json put(String name, String value) { key(name).sb.append(value == null ? "null" : quote(value)); return this; }
    Json put(String name, long value) { key(name).sb.append(value); return this; }
    Json put(String name, boolean value) { key(name).sb.append(value); return this; }
    Json put(String name, double value) { key(name).sb.append(number(value)); return this; }

    /** A value already written as JSON. */
    Json raw(String name, String json) { key(name).sb.append(json); return this; }

    Json put(String name, double[] values) { return raw(name, array(values)); }
    Json put(String name, int[] values) {
        StringBuilder a = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) a.append(i == 0 ? "" : ",").append(values[i]);
        return raw(name, a.append(']').toString());
    }
    Json putStrings(String name, List<String> values) { return raw(name, strings(values)); }

    static String strings(List<String> values) {
        StringBuilder a = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) a.append(i == 0 ? "" : ",").append(quote(values.get(i)));
        return a.append(']').toString();
    }

    @Override
    public String toString() { return sb + "}"; }

    static String array(double[] values) {
        StringBuilder a = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) a.append(i == 0 ? "" : ",").append(number(values[i]));
        return a.append(']').toString();
    }

    static String array(List<String> jsonValues) { return "[" + String.join(",", jsonValues) + "]"; }

    /** NaN and the infinities have no JSON form: null. */
    static String number(double v) { return Double.isFinite(v) ? Double.toString(v) : "null"; }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                case '<' -> q.append("\\u003c");   // never closes a script element
                default -> {
                    if (c < 0x20) q.append(String.format(Locale.ROOT, "\\u%04x", (int) c)); else q.append(c);
                }
            }
        }
        return q.append('"').toString();
    }
}
