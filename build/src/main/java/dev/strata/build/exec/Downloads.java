package dev.strata.build.exec;

import dev.strata.build.DownloadFailedException;
import dev.strata.build.context.CopyEntry;
import dev.strata.build.context.CopyPlan;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code ADD URL}: fetches each {@link CopyEntry.Download} of a plan with the JDK's HTTP client
 * (redirects followed) into a file of the build's work directory, verifies {@code --checksum},
 * and puts a {@link CopyEntry.File} in its place, so the plan's digest (the step's cache key
 * part) covers the downloaded bytes. The file gets the entry's mode (0600 unless {@code
 * --chmod}, Docker's rule) and the response's {@code Last-Modified} as its mtime, else the time
 * of the download.
 */
final class Downloads {
  private Downloads() {}

  /**
   * The client, made on the first download: a client starts a selector thread and loads the TLS
   * stack, which every build paid for in its profile (docs/benchmarks.md) though few ADD a URL.
   */
  private static final class Client {
    static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /**
   * {@code plan} with every download fetched to a new file {@code files} names; the plan itself
   * when it has none.
   *
   * @throws DownloadFailedException when a URL answers outside 2xx or cannot be reached
   * @throws DigestMismatchException when the bytes do not match {@code --checksum}
   */
  static CopyPlan fetch(CopyPlan plan, Supplier<Path> files, Instant now) throws IOException {
    if (plan.entries().stream().noneMatch(e -> e instanceof CopyEntry.Download)) {
      return plan;
    }
    List<CopyEntry> entries = new ArrayList<>();
    for (CopyEntry entry : plan.entries()) {
      entries.add(entry instanceof CopyEntry.Download d ? fetch(d, files.get(), now) : entry);
    }
    return new CopyPlan(entries);
  }

  private static CopyEntry.File fetch(CopyEntry.Download d, Path file, Instant now) throws IOException {
    Optional<Digest> expected = d.checksum().map(c -> checksum(d.url(), c));
    HttpResponse<InputStream> response;
    try {
      response = Client.CLIENT.send(HttpRequest.newBuilder(d.url()).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new DownloadFailedException(d.url(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadFailedException(d.url(), e);
    }
    MessageDigest md = sha256();
    try (InputStream body = response.body()) {
      if (response.statusCode() / 100 != 2) {
        throw new DownloadFailedException(d.url(), response.statusCode());
      }
      try (InputStream in = new DigestInputStream(body, md);
          OutputStream out = Files.newOutputStream(file)) {
        in.transferTo(out);
      }
    }
    String actual = "sha256:" + HexFormat.of().formatHex(md.digest());
    if (expected.isPresent() && !expected.get().toString().equals(actual)) {
      Files.delete(file);
      throw new DigestMismatchException(expected.get().toString(), actual, "ADD --checksum " + d.url());
    }
    Instant mtime = response.headers().firstValue("Last-Modified").flatMap(Downloads::httpDate).orElse(now);
    return new CopyEntry.File(d.destination(), file, Files.size(file), d.mode(), d.owner(), FileTime.from(mtime));
  }

  private static Digest checksum(URI url, String checksum) {
    if (!checksum.startsWith("sha256:")) {
      throw new InvalidArgumentException(checksum, "ADD --checksum=" + checksum + " for " + url + ": only sha256:HEX is supported");
    }
    return Digest.parse(checksum);
  }

  private static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
