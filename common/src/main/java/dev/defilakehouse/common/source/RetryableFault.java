package dev.defilakehouse.common.source;

/**
 * Thrown by a response handler when a 200 response is not usable but asking again may help
 * (malformed JSON, a transient GraphQL error). {@code reason} is the metric label.
 */
public final class RetryableFault extends Exception {
  private final String reason;

  public RetryableFault(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
