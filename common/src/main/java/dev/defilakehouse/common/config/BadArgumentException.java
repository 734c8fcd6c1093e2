package dev.defilakehouse.common.config;

/**
 * A flag or {@code --option} value the run cannot use: a configuration error that no retry fixes.
 * The launcher reports it like a bad command line (the message, the usage, exit 2), whether the
 * command line check or the job itself found it.
 */
public class BadArgumentException extends IllegalArgumentException {
  public BadArgumentException(String message) {
    super(message);
  }
}
