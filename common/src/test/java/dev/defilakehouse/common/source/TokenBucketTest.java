package dev.defilakehouse.common.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void allowsABurstOfOneSecondThenSpacesRequestsAtTheRate() {
    AtomicLong now = new AtomicLong();
    TokenBucket bucket = new TokenBucket(2, now::get);

    assertEquals(0, bucket.reserveMillis());
    assertEquals(0, bucket.reserveMillis());
    assertEquals(500, bucket.reserveMillis());
    assertEquals(1000, bucket.reserveMillis());

    now.addAndGet(3_000_000_000L); // idle: refills, but never beyond one second's worth
    assertEquals(0, bucket.reserveMillis());
    assertEquals(0, bucket.reserveMillis());
    assertEquals(500, bucket.reserveMillis());
  }

  @Test
  void zeroRateMeansUnlimited() {
    TokenBucket bucket = new TokenBucket(0, () -> 0L);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, bucket.reserveMillis());
    }
  }
}
