package dev.defilakehouse.common.source;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes API keys from everything printable. The Graph gateway carries its key in the URL path
 * ({@code /api/<key>/subgraphs/...}), so that segment is masked whatever its value, besides every
 * known key value anywhere in the text.
 */
public final class SecretMasker {
  private static final Pattern KEY_IN_PATH = Pattern.compile("(/api/)[^/\\s\"']+(/subgraphs)");

  private final List<String> secrets;

  public SecretMasker(List<String> secrets) {
    this.secrets = secrets.stream().filter(s -> s != null && !s.isBlank()).toList();
  }

  public static SecretMasker of(String... secrets) {
    return new SecretMasker(List.of(secrets));
  }

  public String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = KEY_IN_PATH.matcher(text).replaceAll("$1***$2");
    for (String secret : secrets) {
      masked = masked.replace(secret, "***");
    }
    return masked;
  }

  /**
   * A copy of {@code error} and its causes whose messages are masked, keeping class names and
   * stack traces (OkHttp's exceptions may embed the request URL, and with it the key).
   */
  public Throwable sanitize(Throwable error) {
    if (error == null) {
      return null;
    }
    MaskedException copy = new MaskedException(error.getClass().getName() + ": " + mask(error.getMessage()),
        error.getCause() == error ? null : sanitize(error.getCause()));
    copy.setStackTrace(error.getStackTrace());
    for (Throwable suppressed : error.getSuppressed()) {
      copy.addSuppressed(sanitize(suppressed));
    }
    return copy;
  }

  /** Stands in for an exception whose message was masked; the original class is named in the message. */
  static final class MaskedException extends RuntimeException {
    MaskedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
