package dev.forkpoint.analytics.stream;

import dev.forkpoint.analytics.input.StepEntropyBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded in-process hand-off from the training loop to the analytics: a
 * {@link ArrayBlockingQueue} drained by one consumer thread that calls the sink. The training thread only
 * enqueues. When the queue is full the producer waits (nothing is ever dropped), and every wait is measured:
 * {@link #totalWaitNanos()}, {@link #waitCount()}, {@link #maxWaitNanos()} and an optional hook called with each
 * wait's nanoseconds (for a Micrometer timer in the service). A sink failure stops the stream; the next
 * {@link #submit} and {@link #close} throw {@link EntropyStreamException} with the cause. {@link #close} delivers
 * everything still queued before it returns.
 */
public final class EntropyStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EntropyStream.class);
    /** How often a blocked producer re-checks whether the consumer died (then it would wait forever). */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ArrayBlockingQueue<Item> queue;
    private final EntropyBatchSink sink;
    private final LongConsumer waitHook;
    private final int maxDrain;
    private final Thread consumer;
    private final AtomicLong totalWaitNanos = new AtomicLong();
    private final AtomicLong waitCount = new AtomicLong();
    private final AtomicLong maxWaitNanos = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private volatile Throwable failure;
    private volatile boolean closed;

    /**
     * @param capacity batches the queue holds before the producer waits, >= 1
     * @param maxDrain most batches handed to the sink in one call, >= 1
     * @param sink     receives the batches on the consumer thread
     * @param waitHook called on the producer thread with the nanoseconds of each wait on a full queue; may be null
     */
    public EntropyStream(int capacity, int maxDrain, EntropyBatchSink sink, LongConsumer waitHook) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity = " + capacity + ": must be >= 1");
        }
        if (maxDrain < 1) {
            throw new IllegalArgumentException("maxDrain = " + maxDrain + ": must be >= 1");
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sink = Objects.requireNonNull(sink, "sink");
        this.waitHook = waitHook;
        this.maxDrain = maxDrain;
        this.consumer = new Thread(this::consume, "entropy-analytics");
        this.consumer.setDaemon(true);
        this.consumer.start();
    }

    public EntropyStream(int capacity, EntropyBatchSink sink) {
        this(capacity, 16, sink, null);
    }

    /**
     * Queues a batch; waits while the queue is full (the wait is measured).
     *
     * @throws EntropyStreamException if the sink has failed
     * @throws IllegalStateException  if the stream is closed
     * @throws InterruptedException   if interrupted while waiting; the batch is then not queued
     */
    public void submit(StepEntropyBatch batch) throws InterruptedException {
        Objects.requireNonNull(batch, "batch");
        if (closed) {
            throw new IllegalStateException("EntropyStream is closed: batch " + batch.key() + " not accepted");
        }
        throwIfFailed();
        Item item = new Item(batch);
        if (!queue.offer(item)) {
            long start = System.nanoTime();
            while (!queue.offer(item, RECHECK_NANOS, TimeUnit.NANOSECONDS)) {
                throwIfFailed();
            }
            long waited = System.nanoTime() - start;
            totalWaitNanos.addAndGet(waited);
            waitCount.incrementAndGet();
            maxWaitNanos.accumulateAndGet(waited, Math::max);
            if (waitHook != null) {
                waitHook.accept(waited);
            }
        }
        submitted.incrementAndGet();
    }

    /**
     * Stops accepting batches, waits until the consumer has delivered everything queued, and surfaces a sink
     * failure. Idempotent.
     */
    @Override
    public void close() throws InterruptedException {
        if (!closed) {
            closed = true;
            while (failure == null && consumer.isAlive() && !queue.offer(Item.END, RECHECK_NANOS,
                    TimeUnit.NANOSECONDS)) {
                // the consumer is draining; retry until the end marker fits
            }
        }
        consumer.join();
        throwIfFailed();
    }

    private void throwIfFailed() {
        Throwable f = failure;
        if (f != null) {
            long lost = submitted.get() - processed.get();
            throw new EntropyStreamException("entropy analytics sink failed; " + lost
                    + " submitted batch(es) were not processed: " + f, f, lost);
        }
    }

    private void consume() {
        List<Item> drained = new ArrayList<>();
        List<StepEntropyBatch> batches = new ArrayList<>();
        try {
            while (true) {
                drained.clear();
                drained.add(queue.take());
                queue.drainTo(drained, maxDrain - 1);
                batches.clear();
                boolean end = false;
                for (Item i : drained) {
                    if (i == Item.END) {
                        end = true; // the producer offers nothing after END
                    } else {
                        batches.add(i.batch);
                    }
                }
                if (!batches.isEmpty()) {
                    sink.accept(List.copyOf(batches));
                    processed.addAndGet(batches.size());
                }
                if (end) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            failure = e;
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            log.error("entropy analytics sink failed; the stream stops and the trainer will see the error", t);
            failure = t;
        }
    }

    /** Total nanoseconds producers spent waiting on a full queue. */
    public long totalWaitNanos() {
        return totalWaitNanos.get();
    }

    /** How many submissions had to wait on a full queue. */
    public long waitCount() {
        return waitCount.get();
    }

    /** Longest single wait on a full queue, in nanoseconds. */
    public long maxWaitNanos() {
        return maxWaitNanos.get();
    }

    /** Batches accepted by {@link #submit}. */
    public long submittedCount() {
        return submitted.get();
    }

    /** Batches the sink has returned from successfully. */
    public long processedCount() {
        return processed.get();
    }

    /** Batches currently queued. */
    public int queuedCount() {
        return queue.size();
    }

    private static final class Item {
        static final Item END = new Item(null);
        final StepEntropyBatch batch;

        Item(StepEntropyBatch batch) {
            this.batch = batch;
        }
    }
}
