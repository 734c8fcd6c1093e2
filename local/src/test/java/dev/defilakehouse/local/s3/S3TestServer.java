package dev.defilakehouse.local.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * An S3-compatible server for tests: s3proxy over jclouds' in-memory "transient" blobstore, on
 * 127.0.0.1 with an ephemeral port and fresh random credentials (V2 and V4 signatures checked).
 * Everything it stores is gone when it is closed.
 *
 * <p>Hadoop caches one S3AFileSystem per bucket for the JVM's life, so give every server's
 * buckets names no other server uses ({@link #uniqueBucketName}).
 */
public final class S3TestServer implements AutoCloseable {
  private static final long START_WAIT_MILLIS = 10_000;

  private final BlobStoreContext blobs;
  private final S3Proxy proxy;
  private final String accessKey;
  private final String secretKey;

  private S3TestServer(BlobStoreContext blobs, S3Proxy proxy, String accessKey, String secretKey) {
    this.blobs = blobs;
    this.proxy = proxy;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts a server on 127.0.0.1 on a free port; close it when the test is done. */
  public static S3TestServer start() throws Exception {
    String accessKey = "test-access-" + UUID.randomUUID().toString().substring(0, 8);
    String secretKey = "test-secret-" + UUID.randomUUID();
    // by metadata, not by name: a name lookup instantiates every provider s3proxy registers
    // (Azure, AWS SDK), whose libraries are excluded here
    BlobStoreContext blobs = ContextBuilder.newBuilder(new TransientApiMetadata())
        .credentials("unused", "unused")
        .build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(blobs.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .build();
    try {
      proxy.start();
      awaitStarted(proxy);
    } catch (Exception | Error e) {
      blobs.close();
      throw e;
    }
    return new S3TestServer(blobs, proxy, accessKey, secretKey);
  }

  /** Jetty may report STARTED a moment after start() returns; waits for that, boundedly. */
  private static void awaitStarted(S3Proxy proxy) throws Exception {
    long deadline = System.nanoTime() + START_WAIT_MILLIS * 1_000_000;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        throw new IllegalStateException("s3proxy did not start within " + START_WAIT_MILLIS
            + " ms (state " + proxy.getState() + ")");
      }
      Thread.sleep(10);
    }
  }

  /** {@code http://127.0.0.1:<port>}, for {@code fs.s3a.endpoint}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** A DNS-safe bucket name starting with {@code prefix} that no other test or server uses. */
  public static String uniqueBucketName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  public void createBucket(String name) {
    if (!blobs.getBlobStore().createContainerInLocation(null, name)) {
      throw new IllegalStateException("bucket " + name + " already exists on this test server");
    }
  }

  /** Every object key in {@code bucket}, to check what really landed in the object store. */
  public List<String> objectKeys(String bucket) {
    BlobStore store = blobs.getBlobStore();
    List<String> keys = new ArrayList<>();
    ListContainerOptions options = ListContainerOptions.Builder.recursive();
    while (true) {
      PageSet<? extends StorageMetadata> page = store.list(bucket, options);
      for (StorageMetadata m : page) {
        if (m.getType() == StorageType.BLOB) {
          keys.add(m.getName());
        }
      }
      if (page.getNextMarker() == null) {
        return keys;
      }
      options = ListContainerOptions.Builder.recursive().afterMarker(page.getNextMarker());
    }
  }

  /**
   * The {@code --option} settings (without the {@code --option} prefix) a run needs to use this
   * server: endpoint, path-style access, no TLS, a region (no region lookup), static credentials.
   */
  public Map<String, String> s3aOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("s3a.endpoint", endpoint().toString());
    options.put("s3a.path.style.access", "true");
    options.put("s3a.connection.ssl.enabled", "false");
    options.put("s3a.endpoint.region", "us-east-1");
    options.put("s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    options.put("s3a.access.key", accessKey);
    options.put("s3a.secret.key", secretKey);
    return options;
  }

  /**
   * Points an existing session (the shared test one) at this server, as a run's {@code --option s3a.*}
   * would: its SparkContext conf serves RDD-level reads, and the session conf is copied into every
   * Hadoop conf Delta and the file sources make. {@link #detach} undoes it.
   */
  public void attach(org.apache.spark.sql.SparkSession spark) {
    dev.defilakehouse.common.spark.SparkSessions.s3aHadoopSettings(s3aOptions()).forEach((k, v) -> {
      spark.sparkContext().hadoopConfiguration().set(k, v);
      spark.conf().set(k, v);
    });
  }

  public void detach(org.apache.spark.sql.SparkSession spark) {
    dev.defilakehouse.common.spark.SparkSessions.s3aHadoopSettings(s3aOptions()).keySet().forEach(k -> {
      spark.sparkContext().hadoopConfiguration().unset(k);
      spark.conf().unset(k);
    });
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      blobs.close();
    }
  }
}
