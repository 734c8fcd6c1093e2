package dev.defilakehouse.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The public response samples under {@code src/test/resources/contract/} (their sources: its README). */
public final class PublicPayloads {
  private PublicPayloads() {}

  public static String read(String file) {
    try (InputStream in = PublicPayloads.class.getResourceAsStream("/contract/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no test resource contract/" + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
