package dev.forkpoint.analytics.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class EntropyStreamTest {

    private static StepEntropyBatch batch(long step) {
        return new StepEntropyBatch(new StepKey(1, step, Phase.ROLLOUT), List.of(), id -> "t" + id);
    }

    private static List<Long> steps(List<StepEntropyBatch> batches) {
        return batches.stream().map(b -> b.key().step()).toList();
    }

    @Test
    void fullQueueMakesTheProducerWaitAndTheWaitIsMeasured() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<StepEntropyBatch> received = Collections.synchronizedList(new ArrayList<>());
        LongAdder hookNanos = new LongAdder();
        LongAdder hookCalls = new LongAdder();
        EntropyStream stream = new EntropyStream(2, 1, batches -> {
            entered.countDown();
            release.await();
            received.addAll(batches);
        }, nanos -> {
            hookNanos.add(nanos);
            hookCalls.increment();
        });
        stream.submit(batch(0));
        assertTrue(entered.await(5, TimeUnit.SECONDS)); // the consumer holds batch 0 in the sink
        stream.submit(batch(1));
        stream.submit(batch(2)); // queue (capacity 2) is now full
        assertEquals(0, stream.waitCount());

        Thread producer = new Thread(() -> {
            try {
                stream.submit(batch(3));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();
        long blockedFor = 300;
        Thread.sleep(blockedFor);
        assertTrue(producer.isAlive(), "the producer must wait while the queue is full");
        release.countDown();
        producer.join(5000);
        assertFalse(producer.isAlive());

        assertEquals(1, stream.waitCount());
        long waited = stream.totalWaitNanos();
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(blockedFor - 50), "measured wait " + waited);
        assertEquals(waited, stream.maxWaitNanos());
        assertEquals(1, hookCalls.sum());
        assertEquals(waited, hookNanos.sum());

        stream.close();
        assertEquals(List.of(0L, 1L, 2L, 3L), steps(received)); // nothing dropped, in order
        assertEquals(4, stream.submittedCount());
        assertEquals(4, stream.processedCount());
    }

    @Test
    void closeDeliversEverythingQueuedAndRejectsLaterSubmits() throws Exception {
        List<StepEntropyBatch> received = Collections.synchronizedList(new ArrayList<>());
        List<Integer> callSizes = Collections.synchronizedList(new ArrayList<>());
        EntropyStream stream = new EntropyStream(4, 8, batches -> {
            Thread.sleep(5);
            callSizes.add(batches.size());
            received.addAll(batches);
        }, null);
        List<Long> expected = new ArrayList<>();
        for (long s = 0; s < 40; s++) {
            stream.submit(batch(s));
            expected.add(s);
        }
        stream.close();
        assertEquals(expected, steps(received));
        assertEquals(40, stream.processedCount());
        assertTrue(callSizes.stream().allMatch(n -> n >= 1 && n <= 8), callSizes.toString());
        assertTrue(stream.waitCount() > 0, "40 slow batches through a queue of 4 should have waited");
        assertThrows(IllegalStateException.class, () -> stream.submit(batch(99)));
        stream.close(); // idempotent
    }

    @Test
    void sinkFailureIsSurfacedToSubmitAndClose() throws Exception {
        RuntimeException boom = new RuntimeException("database down");
        EntropyStream stream = new EntropyStream(8, 1, batches -> {
            if (batches.get(0).key().step() == 1) {
                throw boom;
            }
        }, null);
        stream.submit(batch(0));
        stream.submit(batch(1));
        EntropyStreamException seen = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (long s = 2; seen == null && System.nanoTime() < deadline; s++) {
            try {
                stream.submit(batch(s));
                Thread.sleep(5);
            } catch (EntropyStreamException e) {
                seen = e;
            }
        }
        assertSame(boom, seen.getCause());
        assertTrue(seen.getMessage().contains("not processed"), seen.getMessage());
        assertTrue(seen.unprocessedBatches() >= 1);
        EntropyStreamException onClose = assertThrows(EntropyStreamException.class, stream::close);
        assertSame(boom, onClose.getCause());
        assertEquals(1, stream.processedCount());
        assertEquals(stream.submittedCount() - 1, onClose.unprocessedBatches());
    }

    @Test
    void producerWaitingOnAFullQueueIsReleasedWhenTheSinkFails() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        EntropyStream stream = new EntropyStream(1, 1, batches -> {
            entered.countDown();
            fail.await();
            throw new IllegalStateException("sink broke");
        }, null);
        stream.submit(batch(0));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        stream.submit(batch(1)); // fills the queue
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                stream.submit(batch(2));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        producer.start();
        Thread.sleep(100);
        fail.countDown();
        producer.join(5000);
        assertFalse(producer.isAlive(), "a waiting producer must not hang on a dead consumer");
        assertInstanceOf(EntropyStreamException.class, thrown.get());
        assertThrows(EntropyStreamException.class, stream::close);
    }

    @Test
    void rejectsBadSettings() {
        assertEquals("capacity = 0: must be >= 1", assertThrows(IllegalArgumentException.class,
                () -> new EntropyStream(0, b -> { })).getMessage());
    }
}
