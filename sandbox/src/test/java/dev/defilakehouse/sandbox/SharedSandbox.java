package dev.defilakehouse.sandbox;

import java.time.LocalDate;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One sandbox shared by the API test classes of a run (generating and loading it is the slow
 * part), big enough for more than 5,000 positions in one deployment. Closed when the run ends;
 * each test resets the faults it sets.
 */
final class SharedSandbox implements ParameterResolver {
  static final SandboxOptions OPTIONS = SandboxOptions.builder().seed(7).wallets(10_000).days(6)
      .startDate(LocalDate.parse("2024-01-01")).transposeMaxRows(2_000).transposeMaxBytes(1_000_000).build();

  private static final class Holder implements AutoCloseable {
    final Sandbox sandbox = Sandbox.start(OPTIONS);

    @Override
    public void close() { sandbox.close(); }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Sandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return e.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedSandbox.class, k -> new Holder(), Holder.class).sandbox;
  }
}
