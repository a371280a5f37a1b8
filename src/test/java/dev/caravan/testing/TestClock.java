package dev.caravan.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock tests move by hand; it can also move on by a step each time it is read (work that takes time). */
public final class TestClock extends Clock {

    private volatile Instant now;
    private volatile Duration stepPerRead = Duration.ZERO;

    public TestClock(Instant start) {
        this.now = start;
    }

    public TestClock() {
        this(Instant.parse("2026-11-21T10:00:00Z"));
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** Every later read returns the time, then moves on by {@code step}. */
    public void stepPerRead(Duration step) {
        stepPerRead = step;
    }

    @Override
    public synchronized Instant instant() {
        Instant t = now;
        now = t.plus(stepPerRead);
        return t;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
