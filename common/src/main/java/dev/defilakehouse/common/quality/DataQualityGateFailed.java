package dev.defilakehouse.common.quality;

/** Thrown by a gate job after it recorded its results: the run fails (exit 1) with every failed check named. */
public class DataQualityGateFailed extends IllegalStateException {
  public DataQualityGateFailed(String message) {
    super(message);
  }
}
