package dev.defilakehouse.common.source;

import dev.defilakehouse.common.config.BadArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A configured protocol ({@code aave_v2}) and how Transpose names it ({@code protocol_name='aave'},
 * {@code contract_version='v2'}).
 */
public record ProtocolVersion(String id, String protocolName, String contractVersion) {
  public static final String OPTION = "protocols";
  public static final String DEFAULT = "aave_v2,aave_v3,compound_v2";
  /** Transpose's {@code protocol_name} / {@code contract_version} words for the supported protocols. */
  public static final List<String> PROTOCOL_NAMES = List.of("aave", "compound");
  public static final List<String> CONTRACT_VERSIONS = List.of("v2", "v3");

  public static ProtocolVersion parse(String id) {
    String normalised = id.trim().toLowerCase(Locale.ROOT);
    int cut = normalised.lastIndexOf('_');
    if (cut <= 0 || cut == normalised.length() - 1 || !normalised.substring(cut + 1).matches("v\\d+")) {
      throw new BadArgumentException("--option protocols: '" + id
          + "' is not <protocol>_<version> like aave_v2, aave_v3 or compound_v2");
    }
    // Stage quarantines every other protocol, so fetching one would only fill raw with rejects.
    if (!List.of(DEFAULT.split(",")).contains(normalised)) {
      throw new BadArgumentException("--option protocols: unknown protocol '" + id + "'; supported: "
          + DEFAULT.replace(",", ", "));
    }
    return new ProtocolVersion(normalised, normalised.substring(0, cut), normalised.substring(cut + 1));
  }

  /** The comma-separated {@code protocols} option, in order, without duplicates. */
  public static List<ProtocolVersion> parseList(String option) {
    List<ProtocolVersion> list = new ArrayList<>();
    for (String part : option.split(",")) {
      if (!part.isBlank()) {
        ProtocolVersion p = parse(part);
        if (!list.contains(p)) {
          list.add(p);
        }
      }
    }
    if (list.isEmpty()) {
      throw new BadArgumentException("--option protocols is empty: name at least one of " + DEFAULT);
    }
    return list;
  }
}
