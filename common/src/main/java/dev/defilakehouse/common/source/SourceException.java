package dev.defilakehouse.common.source;

/**
 * A source request that failed for good: the message names the source, the request (never a key)
 * and what went wrong. {@link #status()} is the last HTTP status seen, or -1.
 */
public class SourceException extends RuntimeException {
  private final String source;
  private final int status;

  public SourceException(String source, int status, String message, Throwable cause) {
    super(message, cause);
    this.source = source;
    this.status = status;
  }

  public SourceException(String source, String message) {
    this(source, -1, message, null);
  }

  public String source() {
    return source;
  }

  public int status() {
    return status;
  }
}
