package dev.defilakehouse.common.spark;

import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.delta.DynamoDbLogStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Delta log store of a run's session. On S3 ({@code s3a://}, {@code s3://} roots) in dev and
 * prod, and wherever {@code --option dynamodb.table} is given, commits go through
 * {@link DynamoDbLogStore} on the env's DynamoDB table, so two drivers writing one table (an Airflow
 * retry beside a run still being cancelled, a manual backfill) cannot lose a commit. Local paths,
 * {@code file:} roots and local runs on S3 without the option keep Delta's default
 * ({@code S3SingleDriverLogStore} on S3: one writing driver per table).
 */
public final class LogStoreSettings {
  /** {@code --option dynamodb.table=<name>}: the commit table; dev and prod default to Terraform's. */
  public static final String TABLE_OPTION = "dynamodb.table";
  /** {@code --option dynamodb.region=<region>}: else AWS_REGION, AWS_DEFAULT_REGION, then us-east-1. */
  public static final String REGION_OPTION = "dynamodb.region";
  /** {@code --option dynamodb.endpoint=http://host:port}: a DynamoDB-compatible endpoint instead of AWS. */
  public static final String ENDPOINT_OPTION = "dynamodb.endpoint";
  private static final String DEFAULT_REGION = "us-east-1";

  private LogStoreSettings() {}

  /** The table Terraform creates for an env (terraform/dynamodb.tf). */
  public static String tableName(Env env) {
    return "defi-lakehouse-" + env.id() + "-delta-log";
  }

  /**
   * Spark settings for the run (empty: Delta's default). {@code environment} is the process
   * environment, for the region. Bad {@code dynamodb.*} values are {@link BadArgumentException}s.
   */
  public static Map<String, String> forRun(Env env, String lakehouseRoot, Map<String, String> options,
      Map<String, String> environment) {
    String scheme = scheme(lakehouseRoot);
    boolean onS3 = scheme.equals("s3a") || scheme.equals("s3");
    String table = options.get(TABLE_OPTION);
    boolean given = table != null || options.containsKey(REGION_OPTION) || options.containsKey(ENDPOINT_OPTION);
    if (given && !onS3) {
      throw new BadArgumentException("--option dynamodb.* orders commits on S3, but the lakehouse root "
          + lakehouseRoot + " is not an s3a:// root");
    }
    if (!onS3 || (env.isLocal() && table == null)) {
      if (given) {
        throw new BadArgumentException("--option dynamodb.region/endpoint need --option dynamodb.table in the local env");
      }
      return Map.of();
    }
    String tableName = table != null ? table.trim() : tableName(env);
    if (!tableName.matches("[A-Za-z0-9_.-]{3,255}")) {
      throw new BadArgumentException("--option dynamodb.table='" + table + "' is not a DynamoDB table name "
          + "(3 to 255 letters, digits, '_', '-', '.')");
    }
    String region = region(options, environment);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.delta.logStore.s3a.impl", DynamoDbLogStore.class.getName());
    settings.put("spark.delta.logStore.s3.impl", DynamoDbLogStore.class.getName());
    settings.put("spark." + DynamoDbLogStore.TABLE_NAME, tableName);
    settings.put("spark." + DynamoDbLogStore.REGION, region);
    String endpoint = options.get(ENDPOINT_OPTION);
    if (endpoint != null) {
      settings.put("spark." + DynamoDbLogStore.ENDPOINT, checkedEndpoint(endpoint));
    }
    return settings;
  }

  private static String region(Map<String, String> options, Map<String, String> environment) {
    String region = options.get(REGION_OPTION);
    if (region != null) {
      if (!region.trim().matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
        throw new BadArgumentException("--option dynamodb.region='" + region + "' is not an AWS region like us-east-1");
      }
      return region.trim();
    }
    for (String variable : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return DEFAULT_REGION;
  }

  private static String checkedEndpoint(String endpoint) {
    try {
      URI uri = new URI(endpoint.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri.toString();
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new BadArgumentException("--option dynamodb.endpoint='" + endpoint + "' is not an http(s)://host:port URL");
  }

  private static String scheme(String root) {
    int colon = root.indexOf("://");
    return colon > 0 ? root.substring(0, colon).toLowerCase(Locale.ROOT) : "file";
  }
}
