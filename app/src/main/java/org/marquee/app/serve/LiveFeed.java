package org.marquee.app.serve;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The training page's server-sent events: every client gets what happened so far (the epochs, the
 * last progress and filters), then each new event as it is published. A client whose connection
 * fails is dropped; at most {@code maxClients} are connected at once.
 */
final class LiveFeed {
    /** One connected page: its response stream, and what to close when it goes. */
    interface Client {
        OutputStream stream();
        void close();
    }

    private final int maxClients;
    private final List<Client> clients = new ArrayList<>();
    private final List<byte[]> epochs = new ArrayList<>();
    private byte[] progress, filters;

    LiveFeed(int maxClients) { this.maxClients = maxClients; }

    static byte[] event(String type, String json) {
        return ("event: " + type + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Adds a client and sends it the story so far; false when the feed is full. */
    synchronized boolean join(Client c) {
        if (clients.size() >= maxClients) return false;
        List<byte[]> story = new ArrayList<>();
        story.add(event("hello", "{}"));
        story.addAll(epochs);
        if (progress != null) story.add(progress);
        if (filters != null) story.add(filters);
        if (send(c, story)) clients.add(c);
        return true;
    }

    synchronized int clients() { return clients.size(); }

    /** A run started over (its log is shorter than what was sent): the pages clear their curves. */
    synchronized void reset() {
        epochs.clear();
        progress = null;
        filters = null;
        broadcast(event("reset", "{}"));
    }

    synchronized void epoch(String json) {
        byte[] e = event("epoch", json);
        epochs.add(e);
        broadcast(e);
    }

    synchronized void progress(String json) {
        progress = event("progress", json);
        broadcast(progress);
    }

    synchronized void filters(String json) {
        filters = event("filters", json);
        broadcast(filters);
    }

    /** A comment line that keeps the connections open and finds the closed ones. */
    synchronized void ping() { broadcast(": ping\n\n".getBytes(StandardCharsets.UTF_8)); }

    synchronized void closeAll() {
        for (Client c : clients) c.close();
        clients.clear();
    }

    private void broadcast(byte[] e) {
        clients.removeIf(c -> !send(c, List.of(e)));
    }

    private static boolean send(Client c, List<byte[]> events) {
        try {
            OutputStream out = c.stream();
            for (byte[] e : events) out.write(e);
            out.flush();
            return true;
        } catch (IOException | RuntimeException e) {
            c.close();
            return false;
        }
    }
}
