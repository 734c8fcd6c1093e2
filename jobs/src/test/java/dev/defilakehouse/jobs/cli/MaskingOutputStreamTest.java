package dev.defilakehouse.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.defilakehouse.common.config.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskingOutputStreamTest {
  @Test
  void masksSecretsEvenWhenWrittenByteByByteAcrossCalls() {
    Secrets secrets = new Secrets(Map.of(Secrets.SUBGRAPH_API_KEY, "sg-key-123", Secrets.TRANSPOSE_API_KEY, "tp-key-456"));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new MaskingOutputStream(sink, secrets, StandardCharsets.UTF_8), false,
        StandardCharsets.UTF_8);
    out.print("url=/api/sg-");
    out.print("key-123/subgraphs\n");
    for (byte b : "header tp-key-456 é\n".getBytes(StandardCharsets.UTF_8)) {
      out.write(b);
    }
    out.print("prompt> ");
    out.flush();
    assertEquals("url=/api/***/subgraphs\nheader *** é\nprompt> ", sink.toString(StandardCharsets.UTF_8));
  }
}
