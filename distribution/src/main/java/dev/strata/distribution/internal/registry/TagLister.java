package dev.strata.distribution.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.core.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/NAME/tags/list}, following {@code Link: <...>; rel="next"} pagination (RFC 8288)
 * until the registry stops sending one.
 */
public final class TagLister {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  private static final int MAX_PAGES = 10_000;

  /** Tags asked for per page; registries may send fewer, and a Link to the rest. */
  public static final int DEFAULT_PAGE = 1000;

  private final RegistryClient client;
  private final int pageSize;

  /** Lists tags through {@code client}, {@code pageSize} per request. */
  public TagLister(RegistryClient client, int pageSize) {
    this.client = client;
    this.pageSize = pageSize;
  }

  /** Every tag of the repository, in the registry's order. */
  public List<String> list() throws IOException {
    List<String> tags = new ArrayList<>();
    URI next = client.repositoryUri("tags/list?n=" + pageSize);
    for (int page = 0; page < MAX_PAGES; page++) {
      HttpResponse<InputStream> r = client.send(Request.get(next, client.pullScope()));
      if (r.statusCode() != 200) {
        throw client.failure(r, "list tags of", "repository " + client.reference().repository());
      }
      byte[] body;
      try (InputStream in = r.body()) {
        body = OciJson.readBounded(in, "tag list of " + client.reference().repositoryName());
      }
      JsonNode tagsNode = new ObjectMapper().readTree(body).path("tags");
      tagsNode.forEach(t -> tags.add(t.asText()));
      Optional<URI> link = nextLink(next, r.headers().allValues("Link"));
      if (link.isEmpty()) {
        return tags;
      }
      next = link.get();
    }
    return tags;
  }

  static Optional<URI> nextLink(URI current, List<String> links) {
    for (String link : links) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        return Optional.of(current.resolve(m.group(1)));
      }
    }
    return Optional.empty();
  }
}
