package dev.h2fs.files.attack;

import java.lang.management.ManagementFactory;

/**
 * Rough heap cost of an attack, measured in the test JVM, which is also the server's JVM under {@code @QuarkusTest}:
 * heap in use after a full GC, before the attack, while the attacking connection is still open, and after the server
 * dealt with it. Printed, and bounded generously: GC noise makes exact figures meaningless.
 */
final class HeapProbe {

    /** Generous bound on what any one attack may leave on the heap while it runs. */
    static final long BOUND = 64L << 20;

    private final String attack;
    private final long before;

    HeapProbe(String attack) {
        this.attack = attack;
        this.before = usedAfterGc();
    }

    /** @return heap grown since the probe started, after a GC; printed with {@code phase} */
    long sample(String phase) {
        long growth = usedAfterGc() - before;
        System.out.printf("[heap] %s, %s: %+d KiB%n", attack, phase, growth >> 10);
        return growth;
    }

    static long usedAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
