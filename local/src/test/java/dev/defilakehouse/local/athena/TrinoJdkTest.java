package dev.defilakehouse.local.athena;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrinoJdkTest {
  @Test
  void readsTheMajorVersionFromTheReleaseFile(@TempDir Path dir) throws IOException {
    assertEquals(25, TrinoJdk.major(jdk(dir.resolve("temurin-25"), "JAVA_VERSION=\"25.0.3\"")));
    assertEquals(17, TrinoJdk.major(jdk(dir.resolve("openjdk-17"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"17.0.12\"")));
  }

  @Test
  void aFolderWithoutJavaOrReleaseIsNoJdk(@TempDir Path dir) throws IOException {
    Path noJava = Files.createDirectories(dir.resolve("no-java"));
    Files.writeString(noJava.resolve("release"), "JAVA_VERSION=\"25\"");
    assertEquals(0, TrinoJdk.major(noJava));
    Path noRelease = jdk(dir.resolve("no-release"), "JAVA_VERSION=\"25\"");
    Files.delete(noRelease.resolve("release"));
    assertEquals(0, TrinoJdk.major(noRelease));
  }

  private static Path jdk(Path home, String release) throws IOException {
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), release);
    return home;
  }
}
