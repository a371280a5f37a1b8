package dev.caravan.embedded;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Holds a backend's next commit once armed, so a test can look at the server while a write is mid-commit. */
final class CommitGate {

    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch committing = new CountDownLatch(1);
    private final CountDownLatch mayFinish = new CountDownLatch(1);

    /** Commits from now on wait at the gate until {@link #release}. */
    void arm() {
        armed.set(true);
    }

    /** Whether a write reached its commit within the timeout. */
    boolean awaitCommitting(long seconds) throws InterruptedException {
        return committing.await(seconds, TimeUnit.SECONDS);
    }

    void release() {
        mayFinish.countDown();
    }

    /** Called by the backend's commitWrite before it commits. */
    void pass() {
        if (armed.get()) {
            committing.countDown();
            try {
                mayFinish.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
