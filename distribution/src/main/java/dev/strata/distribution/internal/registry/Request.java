package dev.strata.distribution.internal.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One registry request as the verbs describe it; {@link RegistryClient} adds authorization, retries
 * and redirects. The body is a supplier so that a retry can send it again.
 *
 * @param method the HTTP method
 * @param uri the absolute URI
 * @param headers headers to send (never Authorization: the client adds it)
 * @param body the body, made afresh for every try
 * @param scope the token scope the request needs, such as {@code repository:app:pull}
 * @param action what the request does, for messages ("pull", "push")
 */
record Request(
    String method, URI uri, Map<String, String> headers, Optional<Supplier<HttpRequest.BodyPublisher>> body, String scope, String action) {
  Request {
    headers = Map.copyOf(headers);
  }

  static Request get(URI uri, String scope) {
    return new Request("GET", uri, Map.of(), Optional.empty(), scope, "pull");
  }

  static Request head(URI uri, String scope) {
    return new Request("HEAD", uri, Map.of(), Optional.empty(), scope, "pull");
  }

  Request withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Request(method, uri, h, body, scope, action);
  }

  Request withBody(String newMethod, Supplier<HttpRequest.BodyPublisher> publisher) {
    return new Request(newMethod, uri, headers, Optional.of(publisher), scope, "push");
  }

  Request at(URI other) {
    return new Request(method, other, headers, body, scope, action);
  }
}
