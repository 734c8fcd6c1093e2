package dev.defilakehouse.common.source;

/** 401/403: the key is missing or wrong; never retried. */
public final class SourceAuthException extends SourceException {
  public SourceAuthException(String source, int status, String message) {
    super(source, status, message, null);
  }
}
