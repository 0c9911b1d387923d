package dev.h2fs.transport.http2;

/**
 * What {@link InboundFrameInspector} remembers about the client's stream identifiers, in fixed memory: the highest
 * one that opened a stream, the most recent runs of identifiers the client skipped (never opened, and by RFC 9113
 * section 5.1.1 never openable), and the most recent streams this side reset.
 * <p>
 * Bounded on purpose: a client may skip or provoke resets without limit. What falls out of a ring is only told apart
 * less precisely, never wrongly let through: a forgotten skipped identifier is reported as a closed stream (still a
 * connection error, with STREAM_CLOSED instead of PROTOCOL_ERROR); a forgotten reset stream no longer has its late
 * frames ignored, which section 5.1 allows ("An endpoint MAY choose to limit the period over which it ignores frames").
 * <p>
 * Thread: confined to the connection's event loop.
 */
final class ClientStreamHistory {

    /** Resets remembered; a power of two. */
    static final int RESETS = 64;
    /** Runs of skipped identifiers remembered. */
    static final int GAPS = 8;

    private int highest;
    private final int[] resets = new int[RESETS];
    private int resetNext;
    private int resetsKept;
    // Run i is [gapFrom[i], gapTo[i]], odd identifiers only; filled round-robin.
    private final int[] gapFrom = new int[GAPS];
    private final int[] gapTo = new int[GAPS];
    private int gapNext;
    private int gapsKept;

    /** Starts from streams the connection opened before the inspector saw any frame (h2c upgrade: stream 1). */
    void seed(int lastStreamId) {
        highest = Math.max(highest, lastStreamId);
    }

    /**
     * Records a HEADERS frame on client stream {@code id} (odd, positive).
     *
     * @return true if it opens a new stream (its identifier is above every one before); false if the stream was seen
     *         before or skipped
     */
    boolean opens(int id) {
        if (id <= highest) {
            return false;
        }
        int next = highest == 0 ? 1 : highest + 2;
        if (id > next) {
            gapFrom[gapNext] = next;
            gapTo[gapNext] = id - 2;
            gapNext = (gapNext + 1) % GAPS;
            gapsKept = Math.min(gapsKept + 1, GAPS);
        }
        highest = id;
        return true;
    }

    /** @return whether {@code id} lies in a remembered run of identifiers the client skipped */
    boolean skipped(int id) {
        for (int i = 0; i < gapsKept; i++) {
            if (id >= gapFrom[i] && id <= gapTo[i]) {
                return true;
            }
        }
        return false;
    }

    /** Records that this side sent RST_STREAM on stream {@code id}. */
    void resetSent(int id) {
        resets[resetNext] = id;
        resetNext = (resetNext + 1) & (RESETS - 1);
        resetsKept = Math.min(resetsKept + 1, RESETS);
    }

    /** @return whether this side reset stream {@code id} among the last {@link #RESETS} resets */
    boolean wasResetSent(int id) {
        for (int i = 0; i < resetsKept; i++) {
            if (resets[i] == id) {
                return true;
            }
        }
        return false;
    }

    /** @return the highest client stream identifier seen so far (0: none) */
    int highest() {
        return highest;
    }
}
