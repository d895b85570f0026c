package io.hubroute.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's CPU time (user + system, from {@code /proc/<pid>/stat}) sampled every 100 ms on a
 * thread of its own, so that the CPU spent between two moments seen elsewhere (the first and last
 * output append) can be read afterwards. Linux only; elsewhere every reading is 0.
 */
final class ProcessCpu implements AutoCloseable {
    private static final long SAMPLE_MILLIS = 100;

    /** USER_HZ: clock ticks per second in /proc, 100 on every Linux the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Path stat;
    private final List<long[]> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
        this.sampler =
                new Thread(
                        () -> {
                            while (running) {
                                sample();
                                try {
                                    Thread.sleep(SAMPLE_MILLIS);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "hubroute-cpu-" + pid);
        sampler.setDaemon(true);
        sampler.start();
    }

    static ProcessCpu of(long pid) {
        return new ProcessCpu(pid);
    }

    private void sample() {
        long ticks = ticks();
        if (ticks < 0) {
            return;
        }
        synchronized (samples) {
            samples.add(new long[] {System.currentTimeMillis(), ticks});
        }
    }

    private long ticks() {
        try {
            String text = Files.readString(stat);
            // the command name may hold spaces: fields count from the last ')'
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU seconds spent from {@code fromMillis} to {@code toMillis} (wall clock), interpolated. */
    double secondsBetween(long fromMillis, long toMillis) {
        return (ticksAt(toMillis) - ticksAt(fromMillis)) / TICKS_PER_SECOND;
    }

    private double ticksAt(long millis) {
        synchronized (samples) {
            if (samples.isEmpty()) {
                return 0;
            }
            long[] before = samples.get(0);
            if (millis <= before[0]) {
                return before[1];
            }
            for (long[] sample : samples) {
                if (sample[0] >= millis) {
                    double share =
                            (millis - before[0]) / (double) Math.max(1, sample[0] - before[0]);
                    return before[1] + share * (sample[1] - before[1]);
                }
                before = sample;
            }
            return before[1];
        }
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
