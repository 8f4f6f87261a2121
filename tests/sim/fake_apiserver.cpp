// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "tests/sim/fake_apiserver.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <fstream>
#include <set>
#include <sstream>
#include <strings.h>
#include <vector>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/net/cert_generator.h"
#include "mpf/sdk/label_selector.h"
#include "tests/sim/fake_apiserver_auth.h"
#include "tests/sim/fake_apiserver_objects.h"
#include "tests/sim/kubeconfig_writer.h"
#include "tests/sim/rbac_policy.h"

namespace mpf::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using fake::Form;
using fake::Kind;
using fake::ObjectPtr;
using fake::StoredObject;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto kWriteTimeout = std::chrono::seconds(120);
constexpr size_t kMaxRequestBytes = 4 << 20;
constexpr size_t kChunkBytes = 256 << 10;  // List and watch bodies go out in chunks of about this size.
constexpr auto kProxyStepTimeout = std::chrono::seconds(10);  // Each step of a proxied request.
constexpr size_t kMaxProxiedBytes = 256 << 20;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string json_string(std::string_view s) {
  std::string out;
  fake::append_json_string(out, s);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Requests and responses

struct Request {
  std::string method;
  std::string target;  // As received: path and query, still escaped.
  std::string path;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> params;  // Captured {segments} of the route pattern.
  std::string accept;
  std::string authorization;
  std::string user_agent;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Every header as received.
  UserInfo user;  // Who sent it, once authenticated.

  std::string q(const std::string& name) const {
    const auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
  bool flag(const std::string& name) const {
    const std::string v = q(name);
    return v == "true" || v == "1";
  }
  // client-go's metadata client asks for PartialObjectMetadata(List).
  bool metadata_only() const { return accept.find("as=PartialObjectMetadata") != std::string::npos; }
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape: %XX and '+' as space.
std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void parse_target(std::string_view target, Request& request) {
  const size_t question = target.find('?');
  request.path = url_decode(target.substr(0, question));
  if (question == std::string_view::npos) return;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    std::string name = url_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    request.query.emplace(std::move(name), std::move(value));  // The first value wins, as Get() in Go.
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

// A field selector requirement (fields.ParseSelector; = and == are the same).
struct FieldRequirement {
  std::string field;
  bool equal = true;
  std::string value;
};

// Which objects a list or watch returns.
struct Selection {
  std::string namespace_name;  // Empty: all namespaces.
  LabelSelector labels;
  std::vector<FieldRequirement> fields;
};

std::optional<std::string_view> field_value(const StoredObject& object, std::string_view field) {
  if (field == "metadata.name") return std::string_view(object.name);
  switch (object.kind) {
    case Kind::kPod:
      if (field == "metadata.namespace") return std::string_view(object.namespace_name);
      if (field == "spec.nodeName") return std::string_view(object.node_name);
      if (field == "status.phase") return std::string_view(object.phase);
      if (field == "spec.restartPolicy") return std::string_view("Always");
      if (field == "spec.schedulerName") return std::string_view("default-scheduler");
      break;
    case Kind::kNode:
      if (field == "spec.unschedulable") return std::string_view("false");
      break;
    case Kind::kNamespace:
      if (field == "status.phase") return std::string_view(object.phase);
      break;
    case Kind::kConfigMap:
      if (field == "metadata.namespace") return std::string_view(object.namespace_name);
      break;
  }
  return std::nullopt;
}

bool selected(const StoredObject& object, const Selection& selection) {
  if (!selection.namespace_name.empty() && object.namespace_name != selection.namespace_name) return false;
  for (const FieldRequirement& r : selection.fields) {
    if ((field_value(object, r.field).value_or("") == r.value) != r.equal) return false;
  }
  return selection.labels.matches(object.labels);
}

struct ListPlan {
  std::string head;  // Up to and including `"items":[`.
  std::vector<ObjectPtr> items;
  Form form = Form::kListItem;
};

struct WatchPlan {
  Kind kind = Kind::kPod;
  Selection selection;
  bool metadata_only = false;
  bool initial_events = false;   // Synthetic ADDED events for the current state first.
  bool initial_bookmark = false; // sendInitialEvents=true: then a BOOKMARK marking their end.
  uint64_t from_rv = 0;
  bool bookmarks = false;
  std::chrono::milliseconds timeout{0};
};

struct Response;

// A request forwarded to an aggregated API server (--aggregate-metrics); the session awaits it.
struct ProxyPlan {
  std::string target;  // Path and query as received.
  // The client's headers minus credentials and X-Remote-* (dropped_by_front_proxy), then the
  // front proxy's X-Remote-* for the authenticated user.
  std::vector<std::pair<std::string, std::string>> headers;
  // Set: turns the backend's answer (or the 503 when unreachable) into the response sent.
  std::function<Response(Response)> finish;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::shared_ptr<ListPlan> list;    // Set: a streamed list instead of `body`.
  std::shared_ptr<WatchPlan> watch;  // Set: a watch stream instead of `body`.
  std::shared_ptr<ProxyPlan> proxy;  // Set: the backend's response instead of `body`.
};

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 410: return "Gone";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

// A metav1.Status body. `details` is the JSON of StatusDetails without braces, or empty.
std::string status_json(unsigned code, std::string_view reason, std::string_view message, std::string_view details) {
  std::string s = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":";
  fake::append_json_string(s, message);
  s += ",\"reason\":\"";
  s += reason;
  s += "\",\"details\":{";
  s += details;
  s += "},\"code\":" + std::to_string(code) + "}";
  return s;
}

Response status_response(unsigned code, std::string_view reason, std::string_view message,
                         std::string_view details = {}) {
  Response r;
  r.status = code;
  r.body = status_json(code, reason, message, details);
  return r;
}

Response not_found(Kind kind, const std::string& name) {
  const std::string resource(fake::resource_name(kind));
  return status_response(404, "NotFound", resource + " \"" + name + "\" not found",
                         "\"name\":" + json_string(name) + ",\"kind\":\"" + resource + "\"");
}

Response bad_request(std::string_view message) { return status_response(400, "BadRequest", message); }

Response json_response(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

// Continue tokens as the apiserver makes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}.
std::string encode_continue(uint64_t rv, const std::string& last_key) {
  std::string json = "{\"v\":\"meta.k8s.io/v1\",\"rv\":" + std::to_string(rv) + ",\"start\":";
  fake::append_json_string(json, last_key + '\0');
  json += "}";
  return base64_encode(json);
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

struct ContinueToken {
  uint64_t rv = 0;
  std::string start;  // The first key at or after which to continue.
};

// Reads back what encode_continue wrote (the only producer of tokens this server accepts).
std::optional<ContinueToken> decode_continue(std::string_view token) {
  auto json = base64_decode(token);
  if (!json) return std::nullopt;
  ContinueToken out;
  const size_t rv = json->find("\"rv\":");
  const size_t start = json->find("\"start\":\"");
  if (rv == std::string::npos || start == std::string::npos) return std::nullopt;
  size_t i = rv + 5;
  if (i >= json->size() || !std::isdigit(static_cast<unsigned char>((*json)[i]))) return std::nullopt;
  while (i < json->size() && std::isdigit(static_cast<unsigned char>((*json)[i]))) out.rv = out.rv * 10 + ((*json)[i++] - '0');
  for (i = start + 9; i < json->size() && (*json)[i] != '"'; ++i) {
    if ((*json)[i] != '\\') {
      out.start += (*json)[i];
      continue;
    }
    if (++i >= json->size()) return std::nullopt;
    const char e = (*json)[i];
    if (e == 'u' && i + 4 < json->size()) {
      int v = 0;
      for (int k = 1; k <= 4; ++k) v = v * 16 + std::max(0, hex_value((*json)[i + k]));
      out.start += static_cast<char>(v);
      i += 4;
    } else {
      out.start += e == 'n' ? '\n' : e == 't' ? '\t' : e;
    }
  }
  return out;
}

std::optional<uint64_t> parse_rv(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// A route pattern: "/api/v1/namespaces/{namespace}/pods/{name}".
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    if (i >= path.size()) break;
    const size_t end = path.find('/', i);
    segments.emplace_back(path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    i = end == std::string_view::npos ? path.size() : end;
  }
  return segments;
}

// A last pattern segment "{...}" matches any number (also none) of remaining segments.
constexpr std::string_view kRestSegment = "{...}";

bool match_route(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
                 std::map<std::string, std::string>& params) {
  const bool rest = !pattern.empty() && pattern.back() == kRestSegment;
  const size_t fixed = rest ? pattern.size() - 1 : pattern.size();
  if (rest ? segments.size() < fixed : segments.size() != fixed) return false;
  std::map<std::string, std::string> captured;
  for (size_t i = 0; i < fixed; ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      captured[p.substr(1, p.size() - 2)] = segments[i];
    } else if (p != segments[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

using Handler = std::function<Response(Request&)>;

struct Route {
  std::string method;
  std::vector<std::string> pattern;
  Handler handler;
};

// The identity a TLS client proved with its certificate, checked against --client-ca.
struct PeerCertificate {
  bool presented = false;
  bool verified = false;
  std::string common_name;
  std::vector<std::string> organizations;
};

PeerCertificate peer_certificate(SSL* ssl) {
  PeerCertificate peer;
  X509* cert = SSL_get_peer_certificate(ssl);
  if (cert == nullptr) return peer;
  peer.presented = true;
  peer.verified = SSL_get_verify_result(ssl) == X509_V_OK;
  const X509_NAME* subject = X509_get_subject_name(cert);
  auto entries = [&](int nid) {
    std::vector<std::string> out;
    for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, nid, i)) >= 0;) {
      unsigned char* utf8 = nullptr;
      const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
      if (n >= 0) out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
      OPENSSL_free(utf8);
    }
    return out;
  };
  const auto cn = entries(NID_commonName);
  if (!cn.empty()) peer.common_name = cn.front();
  peer.organizations = entries(NID_organizationName);
  X509_free(cert);
  return peer;
}

// As Go's tls.RequestClientCert + kube-apiserver's x509 authenticator: a client certificate is asked
// for (naming --client-ca) but not required, and the handshake never fails on it; whether it verified
// is read afterwards (peer_certificate) and decides between a user and 401.
Status request_client_certificates(ssl::context& ctx, const std::string& client_ca) {
  error_code ec;
  ctx.load_verify_file(client_ca, ec);
  if (ec) return Status::invalid_argument("--client-ca " + client_ca + ": " + ec.message());
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(client_ca.c_str());
  if (names != nullptr) SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
  static const unsigned char kSessionContext[] = "fake-apiserver";
  SSL_CTX_set_session_id_context(ctx.native_handle(), kSessionContext, sizeof kSessionContext - 1);
  ctx.set_verify_mode(ssl::verify_peer, ec);
  ctx.set_verify_callback([](bool, ssl::verify_context&) { return true; }, ec);
  return Status::ok();
}

Result<std::unique_ptr<ssl::context>> make_server_context(const core::PemPair& pair) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  ctx->use_certificate_chain(asio::buffer(pair.certificate_pem), ec);
  if (!ec) ctx->use_private_key(asio::buffer(pair.private_key_pem), ssl::context::pem, ec);
  if (ec) return Status::permanent("loading the serving certificate: " + ec.message());
  return ctx;
}

std::string http_head(unsigned status, std::string_view content_type, bool chunked, size_t length, bool keep_alive) {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
  h += "Content-Type: ";
  h += content_type;
  h += "\r\nCache-Control: no-cache, private\r\nX-Content-Type-Options: nosniff\r\n";
  if (chunked) {
    h += "Transfer-Encoding: chunked\r\n";
  } else {
    h += "Content-Length: " + std::to_string(length) + "\r\n";
  }
  if (!keep_alive) h += "Connection: close\r\n";
  h += "\r\n";
  return h;
}

// Wraps `data` as one HTTP chunk (in place, to avoid another copy of a large body).
void frame_chunk(std::string& data, std::string& framed) {
  char size[32];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  framed.assign(size, static_cast<size_t>(n));
  framed += data;
  framed += "\r\n";
}

}  // namespace

// ---------------------------------------------------------------------------------------------------

struct FakeApiServer::Impl {
  ApiServerOptions options;
  fake::RenderContext render;
  core::PemPair ca;
  std::unique_ptr<ssl::context> tls;
  uint16_t bound_port = 0;
  std::vector<Route> routes;

  mutable std::mutex model_mutex;
  std::shared_ptr<const ClusterModel> model;  // Guarded by model_mutex; replaced on the I/O thread only.

  // The store. Touched only on the I/O thread.
  std::map<std::string, ObjectPtr> nodes, pods, namespaces, configmaps;
  struct Event {
    uint64_t rv;
    const char* type;
    ObjectPtr object;
  };
  std::deque<Event> events;      // Ascending rv, at most options.watch_window.
  uint64_t floor_rv = 0;         // Every event after this rv is in `events`.
  std::atomic<uint64_t> rv{0};   // The current resourceVersion.
  struct Watcher {
    asio::steady_timer* wake;
    bool expired = false;
  };
  std::set<Watcher*> watchers;

  // The aggregated metrics.k8s.io server (--aggregate-metrics), when given.
  struct Backend {
    bool tls = true;
    std::string host;
    std::string port;
  };
  std::optional<Backend> metrics_backend;
  // Shared: a rotation replaces it while proxied requests still hold the old one.
  std::shared_ptr<ssl::context> backend_tls;

  // Authentication and authorization (--token, --users, --client-ca, --rbac).
  bool authentication_enabled = false;
  UserTable users;
  std::string client_ca_pem;
  std::optional<RbacPolicy> rbac;
  RbacUsage rbac_usage;  // I/O thread only.
  bool usage_write_pending = false;

  // The front proxy: the aggregator's client certificate towards the backend.
  bool front_proxy_enabled = false;
  mutable std::mutex front_proxy_mutex;  // Guards the two pairs (read by any thread, written on the I/O thread).
  core::PemPair front_proxy_ca_pair;
  core::PemPair front_proxy_client_pair;

  struct Counters {
    std::atomic<uint64_t> token_reviews{0}, subject_access_reviews{0}, authorization_decisions{0}, forbidden{0},
        unauthorized{0}, proxied{0}, front_proxy_rotations{0};
  } counters;

  std::unique_ptr<asio::io_context> io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::signal_set> signals;

  ~Impl() {
    acceptor.reset();
    signals.reset();
    io.reset();  // Destroys pending coroutine frames, which unregister their watchers.
  }

  std::shared_ptr<const ClusterModel> current_model() const {
    std::lock_guard<std::mutex> lock(model_mutex);
    return model;
  }

  std::map<std::string, ObjectPtr>& objects(Kind kind) {
    switch (kind) {
      case Kind::kNode: return nodes;
      case Kind::kPod: return pods;
      case Kind::kNamespace: return namespaces;
      case Kind::kConfigMap: return configmaps;
    }
    return pods;
  }

  // ----- changes

  void record(const char* type, ObjectPtr object) {
    events.push_back(Event{object->resource_version, type, std::move(object)});
    while (events.size() > options.watch_window) {
      floor_rv = events.front().rv;
      events.pop_front();
    }
  }

  void notify() {
    for (Watcher* w : watchers) w->wake->cancel();
  }

  void build_store() {
    const ClusterModel& m = *model;
    uint64_t next = 0;
    std::set<std::string> namespace_names{"default", "kube-node-lease", "kube-public", "kube-system"};
    for (const NodeSpec& node : m.nodes()) {
      for (const PodSpec& pod : node.pods) namespace_names.insert(pod.namespace_name);
    }
    const int64_t cluster_created = m.config().anchor_unix_ns - int64_t{30} * 86400 * 1000000000;
    for (const std::string& name : namespace_names) {
      namespaces.emplace(name, fake::render_namespace(name, cluster_created, ++next, render));
    }
    for (uint32_t n = 0; n < m.nodes().size(); ++n) {
      const NodeSpec& node = m.node(n);
      nodes.emplace(node.name, fake::render_node(node, n, ++next, render));
    }
    for (uint32_t n = 0; n < m.nodes().size(); ++n) {
      const NodeSpec& node = m.node(n);
      for (uint32_t p = 0; p < node.pods.size(); ++p) {
        ObjectPtr pod = fake::render_pod(node, n, node.pods[p], p, ++next, render);
        pods.emplace(pod->key, std::move(pod));
      }
    }
    rv = next;
    floor_rv = next;
  }

  uint64_t do_rename_pods() {
    auto current = current_model();
    auto next = std::make_shared<ClusterModel>(*current);
    next->rename_pods(next->generation() + 1, now_ns());
    render.now_unix_ns = now_ns();
    uint64_t r = rv;
    for (uint32_t n = 0; n < next->nodes().size(); ++n) {
      const NodeSpec& old_node = current->node(n);
      const NodeSpec& new_node = next->node(n);
      if (!nodes.count(new_node.name)) continue;  // Deleted: its pods went with it.
      for (uint32_t p = 0; p < new_node.pods.size(); ++p) {
        const PodSpec& before = old_node.pods[p];
        const PodSpec& after = new_node.pods[p];
        if (before.uid == after.uid) continue;
        pods.erase(before.namespace_name + "/" + before.name);
        record("DELETED", fake::render_pod(old_node, n, before, p, ++r, render));
        ObjectPtr added = fake::render_pod(new_node, n, after, p, ++r, render);
        pods[added->key] = added;
        record("ADDED", std::move(added));
      }
    }
    {
      std::lock_guard<std::mutex> lock(model_mutex);
      model = std::move(next);
    }
    rv = r;
    notify();
    return r;
  }

  uint64_t do_delete_node(const std::string& name) {
    auto m = current_model();
    const auto index = m->find_node(name);
    if (!index || !nodes.count(name)) return 0;
    render.now_unix_ns = now_ns();
    uint64_t r = rv;
    nodes.erase(name);
    const NodeSpec& node = m->node(*index);
    record("DELETED", fake::render_node(node, static_cast<uint32_t>(*index), ++r, render));
    for (uint32_t p = 0; p < node.pods.size(); ++p) {
      if (pods.erase(node.pods[p].namespace_name + "/" + node.pods[p].name) == 0) continue;
      record("DELETED", fake::render_pod(node, static_cast<uint32_t>(*index), node.pods[p], p, ++r, render));
    }
    rv = r;
    notify();
    return r;
  }

  uint64_t do_touch_node(const std::string& name) {
    auto m = current_model();
    const auto index = m->find_node(name);
    if (!index || !nodes.count(name)) return 0;
    render.now_unix_ns = now_ns();
    ObjectPtr node = fake::render_node(m->node(*index), static_cast<uint32_t>(*index), rv + 1, render);
    nodes[name] = node;
    record("MODIFIED", std::move(node));
    rv = rv + 1;
    notify();
    return rv;
  }

  uint64_t do_expire_watches() {
    events.clear();
    floor_rv = rv;
    for (Watcher* w : watchers) {
      w->expired = true;
      w->wake->cancel();
    }
    return rv;
  }

  // Runs `f` on the I/O thread and waits for its result.
  template <class F>
  auto on_io_thread(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(*io, [&task] { task(); });
    return result.get();
  }

  // ----- authentication, authorization, front proxy

  static constexpr const char* kAuthNamespace = "kube-system";
  static constexpr const char* kAuthConfigMap = "extension-apiserver-authentication";

  // The --token user (and everyone's, on an open server): the kubeconfig's "sim-admin".
  static UserInfo admin_user() { return authenticated(UserInfo{"sim-admin", "", {"system:masters"}, {}}); }

  Status setup_auth() {
    if (!options.users_file.empty()) {
      auto table = UserTable::load_file(options.users_file);
      if (!table) return table.status();
      users = std::move(*table);
    }
    if (!options.token.empty()) users.add(options.token, UserInfo{"sim-admin", "", {"system:masters"}, {}});
    if (!options.client_ca.empty()) {
      std::ifstream in(options.client_ca);
      std::stringstream text;
      text << in.rdbuf();
      client_ca_pem = text.str();
      if (!in || client_ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        return Status::invalid_argument("--client-ca " + options.client_ca + ": no PEM certificate");
      }
    }
    if (!options.rbac_files.empty()) {
      std::vector<std::string> texts;
      if (options.rbac_bootstrap) texts.push_back(kubernetes_bootstrap_rbac());
      for (const std::string& path : options.rbac_files) {
        std::ifstream in(path);
        if (!in) return Status::invalid_argument("--rbac " + path + ": cannot read");
        std::stringstream text;
        text << in.rdbuf();
        texts.push_back(text.str());
      }
      auto policy = RbacPolicy::load(texts);
      if (!policy) return policy.status();
      rbac = std::move(*policy);
      for (const std::string& warning : rbac->warnings()) std::fprintf(stderr, "fake-apiserver: RBAC: %s\n", warning.c_str());
    }
    authentication_enabled = !options.token.empty() || !options.users_file.empty() || !options.client_ca.empty() || rbac;
    front_proxy_enabled = !options.aggregate_metrics.empty() || !options.front_proxy_ca_out.empty() ||
                          !options.front_proxy_cert_out.empty() || !options.front_proxy_key_out.empty();
    if (front_proxy_enabled) {
      if (Status st = make_front_proxy(); !st.is_ok()) return st;
    }
    if (rbac && !options.rbac_usage_out.empty()) return write_usage();
    return Status::ok();
  }

  // A new front-proxy CA and client certificate (CN --front-proxy-cn, clientAuth), written to the
  // --front-proxy-*-out files.
  Status make_front_proxy() {
    auto identity = make_front_proxy_identity(options.front_proxy_cn);
    if (!identity) return identity.status();
    {
      std::lock_guard<std::mutex> lock(front_proxy_mutex);
      front_proxy_ca_pair = identity->ca;
      front_proxy_client_pair = identity->client;
    }
    backend_tls.reset();  // The next proxied request makes a context with the new certificate.
    const core::PemPair& client = identity->client;
    if (!options.front_proxy_ca_out.empty()) {
      if (Status st = write_file_atomically(options.front_proxy_ca_out, identity->ca.certificate_pem); !st.is_ok()) return st;
    }
    if (!options.front_proxy_cert_out.empty()) {
      if (Status st = write_file_atomically(options.front_proxy_cert_out, client.certificate_pem); !st.is_ok()) return st;
    }
    if (!options.front_proxy_key_out.empty()) {
      if (Status st = write_file_atomically(options.front_proxy_key_out, client.private_key_pem, 0600); !st.is_ok()) return st;
    }
    return Status::ok();
  }

  core::PemPair front_proxy_ca() const {
    std::lock_guard<std::mutex> lock(front_proxy_mutex);
    return front_proxy_ca_pair;
  }
  core::PemPair front_proxy_client() const {
    std::lock_guard<std::mutex> lock(front_proxy_mutex);
    return front_proxy_client_pair;
  }

  std::map<std::string, std::string> auth_configmap_data() const {
    return authentication_configmap_data(client_ca_pem, front_proxy_enabled ? front_proxy_ca().certificate_pem : "",
                                         options.front_proxy_cn);
  }

  bool has_auth_configmap() const { return front_proxy_enabled || !client_ca_pem.empty(); }

  ObjectPtr render_auth_configmap(uint64_t at) const {
    const int64_t created = current_model()->config().anchor_unix_ns - int64_t{30} * 86400 * 1000000000;
    return fake::render_configmap(kAuthNamespace, kAuthConfigMap, auth_configmap_data(), created, at, render);
  }

  uint64_t do_rotate_front_proxy() {
    if (!front_proxy_enabled) return 0;
    if (Status st = make_front_proxy(); !st.is_ok()) {
      std::fprintf(stderr, "fake-apiserver: rotating the front proxy: %s\n", st.message().c_str());
      return 0;
    }
    ++counters.front_proxy_rotations;
    ObjectPtr cm = render_auth_configmap(rv + 1);
    configmaps[cm->key] = cm;
    record("MODIFIED", std::move(cm));
    rv = rv + 1;
    notify();
    return rv;
  }

  // Who sent the request (request.user), or the 401 to answer. As kube-apiserver's union
  // authenticator: a verified client certificate, else a bearer token, else anonymous (with --rbac).
  std::optional<Response> authenticate(Request& request, const PeerCertificate& peer) {
    if (!authentication_enabled) {
      request.user = admin_user();
      return std::nullopt;
    }
    if (peer.presented && peer.verified && !client_ca_pem.empty()) {
      request.user = certificate_user(peer.common_name, peer.organizations);
      return std::nullopt;
    }
    const std::string& header = request.authorization;
    const bool bearer = header.size() > 7 && strncasecmp(header.c_str(), "bearer ", 7) == 0;
    if (bearer) {
      std::string token = header.substr(7);
      while (!token.empty() && token.front() == ' ') token.erase(token.begin());
      if (const UserInfo* user = users.find(token)) {
        request.user = *user;
        return std::nullopt;
      }
    } else if (!peer.presented && rbac) {
      request.user = anonymous_user();
      return std::nullopt;
    }
    ++counters.unauthorized;
    Response r;
    r.status = 401;
    r.body = unauthorized_status_json();
    return r;
  }

  RbacDecision authorize(const UserInfo& user, const AccessAttributes& attributes, const char* source) {
    RbacDecision decision = rbac->decide(user.name, user.groups, attributes);
    rbac_usage.record(user.name, user.groups, attributes, decision, source);
    schedule_usage_write();
    return decision;
  }

  Status write_usage() {
    if (!rbac || options.rbac_usage_out.empty()) return Status::ok();
    return write_file_atomically(options.rbac_usage_out, rbac_usage.to_json(&*rbac));
  }

  // One write after the requests being handled now: the file follows every change without being
  // rewritten once per request under load.
  void schedule_usage_write() {
    if (options.rbac_usage_out.empty() || usage_write_pending) return;
    usage_write_pending = true;
    asio::post(*io, [this] {
      usage_write_pending = false;
      if (Status st = write_usage(); !st.is_ok()) std::fprintf(stderr, "fake-apiserver: %s\n", st.message().c_str());
    });
  }

  Response token_review(const Request& request) {
    auto review = parse_token_review(request.body);
    if (!review) return bad_request(review.status().message());
    ++counters.token_reviews;
    Response r;
    r.status = 201;
    r.body = token_review_response(*review, users.find(review->token));
    return r;
  }

  Response subject_access_review(const Request& request) {
    auto review = parse_access_review(request.body);
    if (!review) return bad_request(review.status().message());
    ++counters.subject_access_reviews;
    bool allowed = true;  // Without --rbac nothing is authorized, so everything is allowed.
    std::string reason;
    if (rbac) {
      const RbacDecision d = authorize(review->user, review->attributes, "subjectaccessreview");
      allowed = d.allowed;
      reason = d.reason;
    }
    Response r;
    r.status = 201;
    r.body = access_review_response(*review, allowed, reason);
    return r;
  }

  Response stats_response() const {
    const FakeApiServerStats s = stats();
    return json_response("{\"tokenReviews\":" + std::to_string(s.token_reviews) +
                         ",\"subjectAccessReviews\":" + std::to_string(s.subject_access_reviews) +
                         ",\"authorizationDecisions\":" + std::to_string(s.authorization_decisions) +
                         ",\"forbidden\":" + std::to_string(s.forbidden) + ",\"unauthorized\":" +
                         std::to_string(s.unauthorized) + ",\"proxied\":" + std::to_string(s.proxied) +
                         ",\"frontProxyRotations\":" + std::to_string(s.front_proxy_rotations) +
                         ",\"resourceVersion\":\"" + std::to_string(rv.load()) + "\"}");
  }

  FakeApiServerStats stats() const {
    FakeApiServerStats s;
    s.token_reviews = counters.token_reviews;
    s.subject_access_reviews = counters.subject_access_reviews;
    s.authorization_decisions = counters.authorization_decisions;
    s.forbidden = counters.forbidden;
    s.unauthorized = counters.unauthorized;
    s.proxied = counters.proxied;
    s.front_proxy_rotations = counters.front_proxy_rotations;
    return s;
  }

  // ----- handlers

  Response discovery_version() const {
    return json_response(
        "{\n  \"major\": \"1\",\n  \"minor\": \"33\",\n  \"emulationMajor\": \"1\",\n  \"emulationMinor\": \"33\",\n"
        "  \"minCompatibilityMajor\": \"1\",\n  \"minCompatibilityMinor\": \"32\",\n"
        "  \"gitVersion\": \"v1.33.1\",\n  \"gitCommit\": \"8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828\",\n"
        "  \"gitTreeState\": \"clean\",\n  \"buildDate\": \"2025-05-15T08:19:08Z\",\n  \"goVersion\": \"go1.24.2\",\n"
        "  \"compiler\": \"gc\",\n  \"platform\": \"linux/amd64\"\n}");
  }

  Response discovery_api() const {
    return json_response("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[{\"clientCIDR\":"
                         "\"0.0.0.0/0\",\"serverAddress\":\"" +
                         options.address + ":" + std::to_string(bound_port) + "\"}]}");
  }

  static Response discovery_api_v1() {
    return json_response(
        "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
        "{\"name\":\"configmaps\",\"singularName\":\"configmap\",\"namespaced\":true,\"kind\":\"ConfigMap\","
        "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],"
        "\"shortNames\":[\"cm\"],\"storageVersionHash\":\"qFsyl6wFWjQ=\"},"
        "{\"name\":\"namespaces\",\"singularName\":\"namespace\",\"namespaced\":false,\"kind\":\"Namespace\","
        "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],\"shortNames\":[\"ns\"],"
        "\"storageVersionHash\":\"Q3oi5N2YM8M=\"},"
        "{\"name\":\"nodes\",\"singularName\":\"node\",\"namespaced\":false,\"kind\":\"Node\","
        "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],"
        "\"shortNames\":[\"no\"],\"storageVersionHash\":\"XwShjMxG9Fs=\"},"
        "{\"name\":\"nodes/status\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"Node\","
        "\"verbs\":[\"get\",\"patch\",\"update\"]},"
        "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\","
        "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],"
        "\"shortNames\":[\"po\"],\"categories\":[\"all\"],\"storageVersionHash\":\"xPOwRZ+Yhw8=\"},"
        "{\"name\":\"pods/status\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\","
        "\"verbs\":[\"get\",\"patch\",\"update\"]}]}");
  }

  static Response discovery_apis() { return json_response("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}"); }

  // ----- aggregation (--aggregate-metrics)

  // As the aggregator's proxy handler: the client's headers go on, except its credentials and any
  // X-Remote-* it sent (a client must not choose the identity the backend trusts), and the
  // authenticated user is added as X-Remote-* headers.
  static Response proxy_to_backend(const Request& request, std::function<Response(Response)> finish) {
    auto plan = std::make_shared<ProxyPlan>();
    plan->target = request.target;
    for (const auto& [name, value] : request.headers) {
      if (!dropped_by_front_proxy(name)) plan->headers.emplace_back(name, value);
    }
    for (auto& header : front_proxy_headers(request.user)) plan->headers.push_back(std::move(header));
    plan->finish = std::move(finish);
    Response r;
    r.proxy = std::move(plan);
    return r;
  }

  // /apis: the group as the backend's /apis/metrics.k8s.io describes it (an APIGroup; its TypeMeta is
  // ignored by clients as an item), else the versions metrics-server registers as APIServices. JSON
  // only: aggregated discovery (as=APIGroupDiscoveryList) falls back to this legacy list in clients.
  static Response aggregated_apis(const Request& request) {
    Request group = request;
    group.target = "/apis/metrics.k8s.io";
    std::erase_if(group.headers, [](const auto& h) { return strcasecmp(h.first.c_str(), "Accept") == 0; });
    group.headers.emplace_back("Accept", "application/json");
    return proxy_to_backend(group, [](Response backend) {
      std::string_view body = backend.body;
      while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
      while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
      const bool usable = backend.status == 200 && body.size() > 2 && body.front() == '{' &&
                          body.find("\"APIGroup\"") != std::string_view::npos;
      std::string out = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[";
      if (usable) {
        out += body;
      } else {
        out += "{\"name\":\"metrics.k8s.io\",\"versions\":["
               "{\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"},"
               "{\"groupVersion\":\"metrics.k8s.io/v1\",\"version\":\"v1\"}],"
               "\"preferredVersion\":{\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}}";
      }
      out += "]}";
      return json_response(std::move(out));
    });
  }

  static Response backend_unavailable() {
    return status_response(503, "ServiceUnavailable", "the server is currently unable to handle the request");
  }

  // One request to the backend on a new connection (the aggregator keeps a pool; a test server need not).
  // Never blocks the I/O thread: every step is awaited with its own deadline.
  asio::awaitable<Response> fetch_from_backend(const ProxyPlan& plan) {
    const Backend& backend = *metrics_backend;
    error_code ec;
    tcp::resolver resolver(*io);
    const auto endpoints =
        co_await resolver.async_resolve(backend.host, backend.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return backend_unavailable();
    beast::tcp_stream tcp_stream(*io);
    tcp_stream.expires_after(kProxyStepTimeout);
    co_await tcp_stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return backend_unavailable();

    http::request<http::empty_body> request{http::verb::get, plan.target, 11};
    request.set(http::field::host, backend.host + ":" + backend.port);
    for (const auto& [name, value] : plan.headers) request.insert(name, value);
    request.keep_alive(false);
    ++counters.proxied;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxProxiedBytes);
    beast::flat_buffer buffer;
    if (backend.tls) {
      const std::shared_ptr<ssl::context> context = backend_context();  // Held: a rotation may replace it.
      if (context == nullptr) co_return backend_unavailable();
      beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *context);
      if (!options.aggregate_ca.empty()) stream.set_verify_callback(ssl::host_name_verification(backend.host));
      error_code not_an_address;
      asio::ip::make_address(backend.host, not_an_address);
      if (not_an_address) SSL_set_tlsext_host_name(stream.native_handle(), backend.host.c_str());  // SNI for names only.
      beast::get_lowest_layer(stream).expires_after(kProxyStepTimeout);
      co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return backend_unavailable();
      beast::get_lowest_layer(stream).expires_after(kProxyStepTimeout);
      co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        beast::get_lowest_layer(stream).expires_after(kProxyStepTimeout);
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
    } else {
      co_await http::async_write(tcp_stream, request, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        tcp_stream.expires_after(kProxyStepTimeout);
        co_await http::async_read(tcp_stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    if (ec) co_return backend_unavailable();
    auto& answer = parser.get();
    Response r;
    r.status = answer.result_int();
    r.content_type = std::string(answer[http::field::content_type]);
    if (r.content_type.empty()) r.content_type = "application/octet-stream";
    r.body = std::move(answer.body());
    co_return r;
  }

  Status configure_backend() {
    if (options.aggregate_metrics.empty()) return Status::ok();
    const std::string& url = options.aggregate_metrics;
    Backend backend;
    backend.tls = url.rfind("https://", 0) == 0;
    std::string_view rest = std::string_view(url).substr(backend.tls ? 8 : 7);
    rest = rest.substr(0, rest.find('/'));
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon + 1 >= rest.size()) {
      backend.host = std::string(rest);
      backend.port = backend.tls ? "443" : "80";
    } else {
      backend.host = std::string(rest.substr(0, colon));
      backend.port = std::string(rest.substr(colon + 1));
    }
    if (backend.host.size() > 2 && backend.host.front() == '[' && backend.host.back() == ']') {
      backend.host = backend.host.substr(1, backend.host.size() - 2);
    }
    if (backend.host.empty()) return Status::invalid_argument("--aggregate-metrics " + url + ": no host");
    metrics_backend = std::move(backend);
    return Status::ok();
  }

  // The client context, made on first use: --aggregate-ca may be written by the backend after this
  // server starts (metrics-server generates its certificate and needs this server to start). Until it
  // can be read, proxied requests answer 503.
  // With a front proxy it presents the front-proxy client certificate, as kube-apiserver does with
  // --proxy-client-cert-file.
  std::shared_ptr<ssl::context> backend_context() {
    if (backend_tls) return backend_tls;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    error_code ec;
    if (front_proxy_enabled) {
      const core::PemPair client = front_proxy_client();
      ctx->use_certificate_chain(asio::buffer(client.certificate_pem), ec);
      if (!ec) ctx->use_private_key(asio::buffer(client.private_key_pem), ssl::context::pem, ec);
      if (ec) {
        std::fprintf(stderr, "fake-apiserver: front-proxy client certificate: %s\n", ec.message().c_str());
        return nullptr;
      }
    }
    if (options.aggregate_ca.empty()) {
      ctx->set_verify_mode(ssl::verify_none, ec);
    } else {
      ctx->load_verify_file(options.aggregate_ca, ec);
      if (!ec) ctx->set_verify_mode(ssl::verify_peer, ec);
    }
    if (ec) {
      std::fprintf(stderr, "fake-apiserver: --aggregate-ca %s: %s\n", options.aggregate_ca.c_str(), ec.message().c_str());
      return nullptr;
    }
    backend_tls = std::move(ctx);
    return backend_tls;
  }

  Response get_object(Kind kind, const Request& request, const std::string& key, const std::string& name) {
    auto& store = objects(kind);
    const auto it = store.find(key);
    if (it == store.end()) return not_found(kind, name);
    Response r;
    fake::append_object(r.body, *it->second, request.metadata_only() ? Form::kMetadata : Form::kObject);
    return r;
  }

  // labelSelector and fieldSelector; a 400 Response on error.
  std::optional<Response> parse_selection(Kind kind, const Request& request, Selection& selection) {
    auto labels = LabelSelector::parse(request.q("labelSelector"));
    if (!labels) return bad_request(labels.status().message());
    selection.labels = std::move(*labels);
    const std::string fields = request.q("fieldSelector");
    size_t start = 0;
    while (start < fields.size()) {
      size_t end = fields.find(',', start);
      if (end == std::string::npos) end = fields.size();
      const std::string term = fields.substr(start, end - start);
      start = end + 1;
      if (term.empty()) continue;
      FieldRequirement r;
      size_t op = term.find("!=");
      size_t value_at = op + 2;
      if (op != std::string::npos) {
        r.equal = false;
      } else if ((op = term.find("==")) != std::string::npos) {
        value_at = op + 2;
      } else if ((op = term.find('=')) != std::string::npos) {
        value_at = op + 1;
      } else {
        return bad_request("invalid selector: '" + fields + "'; can't understand '" + term + "'");
      }
      r.field = term.substr(0, op);
      r.value = term.substr(value_at);
      StoredObject probe;
      probe.kind = kind;
      if (!field_value(probe, r.field)) return bad_request("field label not supported: " + r.field);
      selection.fields.push_back(std::move(r));
    }
    return std::nullopt;
  }

  Response list_or_watch(Kind kind, const Request& request, const std::string& namespace_name) {
    Selection selection;
    selection.namespace_name = namespace_name;
    if (auto error = parse_selection(kind, request, selection)) return *error;
    const std::string rv_text = request.q("resourceVersion");
    std::optional<uint64_t> requested;
    if (!rv_text.empty()) {
      requested = parse_rv(rv_text);
      if (!requested) return bad_request("resourceVersion: Invalid value: " + json_string(rv_text) + ": must be a non-negative integer");
    }
    if (request.flag("watch")) {
      auto plan = std::make_shared<WatchPlan>();
      plan->kind = kind;
      plan->selection = std::move(selection);
      plan->metadata_only = request.metadata_only();
      plan->bookmarks = request.flag("allowWatchBookmarks");
      plan->initial_bookmark = request.flag("sendInitialEvents");
      plan->initial_events = plan->initial_bookmark || !requested || *requested == 0;
      plan->from_rv = requested.value_or(0);
      plan->timeout = options.default_watch_timeout;
      if (const std::string t = request.q("timeoutSeconds"); !t.empty()) {
        auto seconds = parse_rv(t);
        if (!seconds) return bad_request("timeoutSeconds: Invalid value: " + json_string(t));
        if (*seconds > 0) plan->timeout = std::chrono::seconds(*seconds);
      }
      Response r;
      r.watch = std::move(plan);
      return r;
    }

    const uint64_t current = rv;
    uint64_t list_rv = current;
    std::string start;
    if (requested && *requested > current) {
      Response r = status_response(504, "Timeout",
                                   "Too large resource version: " + rv_text + ", current: " + std::to_string(current),
                                   "\"causes\":[{\"reason\":\"ResourceVersionTooLarge\",\"message\":\"Too large "
                                   "resource version\"}],\"retryAfterSeconds\":1");
      return r;
    }
    if (requested && *requested != 0 && request.q("resourceVersionMatch") == "Exact" && *requested < floor_rv) {
      return status_response(410, "Expired",
                             "too old resource version: " + rv_text + " (" + std::to_string(floor_rv) + ")");
    }
    if (const std::string token = request.q("continue"); !token.empty()) {
      auto decoded = decode_continue(token);
      if (!decoded) return bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
      if (decoded->rv < floor_rv) {
        return status_response(
            410, "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a new "
            "list without the continue parameter, or use the continue token in this response to retrieve the "
            "remainder of the results. Continuing with the provided token results in an inconsistent list - "
            "objects that were created, modified, or deleted between the time the first chunk was returned and "
            "now may show up in the list.");
      }
      list_rv = decoded->rv;
      start = std::move(decoded->start);
    }
    int64_t limit = 0;
    if (const std::string l = request.q("limit"); !l.empty()) {
      auto parsed = parse_rv(l);
      if (!parsed) return bad_request("limit: Invalid value: " + json_string(l));
      limit = static_cast<int64_t>(std::min<uint64_t>(*parsed, INT64_MAX));
    }

    auto& store = objects(kind);
    const std::string prefix = namespace_name.empty() ? std::string() : namespace_name + "/";
    auto it = store.lower_bound(std::max(start, prefix));
    auto in_range = [&](const auto& i) { return i != store.end() && i->first.compare(0, prefix.size(), prefix) == 0; };
    auto plan = std::make_shared<ListPlan>();
    plan->form = request.metadata_only() ? Form::kMetadata : Form::kListItem;
    std::string last_key;
    bool more = false;
    for (; in_range(it); ++it) {
      if (!selected(*it->second, selection)) continue;
      if (limit > 0 && static_cast<int64_t>(plan->items.size()) == limit) {
        more = true;
        break;
      }
      plan->items.push_back(it->second);
      last_key = it->first;
    }
    std::string& head = plan->head;
    if (plan->form == Form::kMetadata) {
      head = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\"";
    } else {
      head = "{\"kind\":\"" + std::string(fake::kind_name(kind)) + "List\",\"apiVersion\":\"v1\"";
    }
    head += ",\"metadata\":{\"resourceVersion\":\"" + std::to_string(list_rv) + "\"";
    if (more) {
      head += ",\"continue\":\"" + encode_continue(list_rv, last_key) + "\"";
      if (selection.labels.empty() && selection.fields.empty()) {
        size_t remaining = 0;
        for (; in_range(it); ++it) ++remaining;
        head += ",\"remainingItemCount\":" + std::to_string(remaining);
      }
    }
    head += "},\"items\":[";
    Response r;
    r.list = std::move(plan);
    return r;
  }

  Response control(const Request& request, const std::string& what) {
    uint64_t result = 0;
    if (what == "rename-pods") {
      result = do_rename_pods();
    } else if (what == "expire-watches") {
      result = do_expire_watches();
    } else {
      const std::string name = request.q("name");
      result = what == "delete-node" ? do_delete_node(name) : do_touch_node(name);
      if (result == 0) return not_found(Kind::kNode, name);
    }
    return json_response("{\"resourceVersion\":\"" + std::to_string(result) + "\"}");
  }

  void add_route(std::string method, std::string_view pattern, Handler handler) {
    routes.push_back(Route{std::move(method), split_path(pattern), std::move(handler)});
  }

  void build_routes() {
    add_route("GET", "/version", [this](Request&) { return discovery_version(); });
    add_route("GET", "/api", [this](Request&) { return discovery_api(); });
    add_route("GET", "/api/v1", [](Request&) { return discovery_api_v1(); });
    if (metrics_backend) {
      add_route("GET", "/apis", [](Request& r) { return aggregated_apis(r); });
      add_route("GET", std::string("/apis/metrics.k8s.io/") + std::string(kRestSegment),
                [](Request& r) { return proxy_to_backend(r, nullptr); });
    } else {
      add_route("GET", "/apis", [](Request&) { return discovery_apis(); });
    }
    for (const char* health : {"/healthz", "/readyz", "/livez"}) {
      add_route("GET", health, [](Request&) {
        Response r;
        r.content_type = "text/plain; charset=utf-8";
        r.body = "ok";
        return r;
      });
    }
    add_route("GET", "/api/v1/nodes", [this](Request& r) { return list_or_watch(Kind::kNode, r, ""); });
    add_route("GET", "/api/v1/nodes/{name}",
              [this](Request& r) { return get_object(Kind::kNode, r, r.params["name"], r.params["name"]); });
    add_route("GET", "/api/v1/namespaces", [this](Request& r) { return list_or_watch(Kind::kNamespace, r, ""); });
    add_route("GET", "/api/v1/namespaces/{namespace}", [this](Request& r) {
      return get_object(Kind::kNamespace, r, r.params["namespace"], r.params["namespace"]);
    });
    add_route("GET", "/api/v1/pods", [this](Request& r) { return list_or_watch(Kind::kPod, r, ""); });
    add_route("GET", "/api/v1/namespaces/{namespace}/pods",
              [this](Request& r) { return list_or_watch(Kind::kPod, r, r.params["namespace"]); });
    add_route("GET", "/api/v1/namespaces/{namespace}/pods/{name}", [this](Request& r) {
      return get_object(Kind::kPod, r, r.params["namespace"] + "/" + r.params["name"], r.params["name"]);
    });
    for (const char* what : {"rename-pods", "delete-node", "touch-node", "expire-watches"}) {
      add_route("POST", std::string("/fake/") + what, [this, what](Request& r) { return control(r, what); });
    }
    add_route("GET", "/api/v1/configmaps", [this](Request& r) { return list_or_watch(Kind::kConfigMap, r, ""); });
    add_route("GET", "/api/v1/namespaces/{namespace}/configmaps",
              [this](Request& r) { return list_or_watch(Kind::kConfigMap, r, r.params["namespace"]); });
    add_route("GET", "/api/v1/namespaces/{namespace}/configmaps/{name}", [this](Request& r) {
      return get_object(Kind::kConfigMap, r, r.params["namespace"] + "/" + r.params["name"], r.params["name"]);
    });
    add_route("POST", "/apis/authentication.k8s.io/v1/tokenreviews", [this](Request& r) { return token_review(r); });
    add_route("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
              [this](Request& r) { return subject_access_review(r); });
    add_route("GET", "/fake/stats", [this](Request&) { return stats_response(); });
    add_route("POST", "/fake/rotate-front-proxy", [this](Request&) {
      const uint64_t at = do_rotate_front_proxy();
      if (at == 0) {
        return status_response(404, "NotFound", "no front proxy (give --aggregate-metrics or --front-proxy-ca-out)");
      }
      return json_response("{\"resourceVersion\":\"" + std::to_string(at) + "\"}");
    });
  }

  // Authentication, then (with --rbac) authorization of the request's RequestInfo, then the route, as
  // kube-apiserver's filter chain orders them (so an unknown path is 403 before it is 404). /fake/ is
  // the test harness's side door: authenticated, never authorized nor logged.
  Response dispatch(Request& request, const PeerCertificate& peer) {
    if (auto unauthorized = authenticate(request, peer)) return *unauthorized;
    if (rbac && request.path.rfind("/fake/", 0) != 0) {
      const AccessAttributes attributes = request_attributes(request.method, request.path, request.query);
      ++counters.authorization_decisions;
      if (!authorize(request.user, attributes, "request").allowed) {
        ++counters.forbidden;
        Response r;
        r.status = 403;
        r.body = forbidden_status_json(request.user.name, attributes);
        return r;
      }
    }
    const std::vector<std::string> segments = split_path(request.path);
    bool path_known = false;
    for (const Route& route : routes) {
      std::map<std::string, std::string> params;
      if (!match_route(route.pattern, segments, params)) continue;
      path_known = true;
      if (route.method != request.method) continue;
      request.params = std::move(params);
      return route.handler(request);
    }
    if (path_known) {
      return status_response(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }
    return status_response(404, "NotFound", "the server could not find the requested resource");
  }

  // ----- serving

  template <class Stream>
  static asio::awaitable<bool> write_all(Stream& stream, std::string_view data) {
    error_code ec;
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    co_await asio::async_write(stream, asio::buffer(data.data(), data.size()), asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  template <class Stream>
  static asio::awaitable<bool> write_chunk(Stream& stream, std::string& data, std::string& framed) {
    if (data.empty()) co_return true;
    frame_chunk(data, framed);
    data.clear();
    co_return co_await write_all(stream, framed);
  }

  template <class Stream>
  asio::awaitable<bool> stream_list(Stream& stream, const ListPlan& plan, bool keep_alive) {
    if (!co_await write_all(stream, http_head(200, "application/json", true, 0, keep_alive))) co_return false;
    std::string batch = plan.head;
    std::string framed;
    batch.reserve(kChunkBytes + 8192);
    framed.reserve(kChunkBytes + 8192);
    for (size_t i = 0; i < plan.items.size(); ++i) {
      if (i > 0) batch += ',';
      fake::append_object(batch, *plan.items[i], plan.form);
      if (batch.size() >= kChunkBytes && !co_await write_chunk(stream, batch, framed)) co_return false;
    }
    batch += "]}";
    if (!co_await write_chunk(stream, batch, framed)) co_return false;
    co_return co_await write_all(stream, "0\r\n\r\n");
  }

  static void append_event(std::string& out, std::string_view type, const StoredObject& object, bool metadata_only) {
    out += "{\"type\":\"";
    out += type;
    out += "\",\"object\":";
    fake::append_object(out, object, metadata_only ? Form::kMetadata : Form::kObject);
    out += "}\n";
  }

  static void append_bookmark(std::string& out, Kind kind, uint64_t at, bool metadata_only, bool initial_end) {
    out += "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"";
    out += metadata_only ? std::string_view("PartialObjectMetadata") : fake::kind_name(kind);
    out += metadata_only ? "\",\"apiVersion\":\"meta.k8s.io/v1\"" : "\",\"apiVersion\":\"v1\"";
    out += ",\"metadata\":{\"resourceVersion\":\"" + std::to_string(at) + "\"";
    if (initial_end) out += ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}";
    out += "}}}\n";
  }

  static void append_expired(std::string& out, uint64_t requested, uint64_t oldest) {
    out += "{\"type\":\"ERROR\",\"object\":";
    out += status_json(410, "Expired",
                       "too old resource version: " + std::to_string(requested) + " (" + std::to_string(oldest) + ")", "");
    out += "}\n";
  }

  template <class Stream>
  asio::awaitable<void> stream_watch(Stream& stream, const WatchPlan& plan) {
    if (!co_await write_all(stream, http_head(200, "application/json", true, 0, false))) co_return;
    asio::steady_timer wake(*io);
    Watcher watcher{&wake};
    watchers.insert(&watcher);
    struct Unregister {
      std::set<Watcher*>& set;
      Watcher* w;
      ~Unregister() { set.erase(w); }
    } unregister{watchers, &watcher};

    std::string batch;
    std::string framed;
    const auto deadline = std::chrono::steady_clock::now() + plan.timeout;
    auto next_bookmark = std::chrono::steady_clock::now() + options.bookmark_interval;
    uint64_t last = plan.from_rv;
    bool finished = false;
    if (plan.initial_events) {
      std::vector<ObjectPtr> snapshot;
      for (const auto& [key, object] : objects(plan.kind)) {
        if (selected(*object, plan.selection)) snapshot.push_back(object);
      }
      last = rv;
      for (const ObjectPtr& object : snapshot) {
        append_event(batch, "ADDED", *object, plan.metadata_only);
        if (batch.size() >= kChunkBytes && !co_await write_chunk(stream, batch, framed)) co_return;
      }
      if (plan.initial_bookmark) append_bookmark(batch, plan.kind, last, plan.metadata_only, true);
    }
    while (!finished) {
      if (!co_await write_chunk(stream, batch, framed)) co_return;
      if (watcher.expired || last < floor_rv) {
        append_expired(batch, last, floor_rv);
        finished = true;
        continue;
      }
      auto it = std::upper_bound(events.begin(), events.end(), last,
                                 [](uint64_t v, const Event& e) { return v < e.rv; });
      for (; it != events.end(); ++it) {
        if (it->object->kind == plan.kind && selected(*it->object, plan.selection)) {
          append_event(batch, it->type, *it->object, plan.metadata_only);
        }
      }
      last = std::max(last, rv.load());
      if (!batch.empty()) continue;
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      if (plan.bookmarks && now >= next_bookmark) {
        append_bookmark(batch, plan.kind, last, plan.metadata_only, false);
        next_bookmark = now + options.bookmark_interval;
        continue;
      }
      wake.expires_at(plan.bookmarks ? std::min(deadline, next_bookmark) : deadline);
      error_code ec;
      co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!co_await write_chunk(stream, batch, framed)) co_return;
    co_await write_all(stream, "0\r\n\r\n");
  }

  template <class Stream>
  // `peer` is a pointer to the caller's local: GCC 12 destroys class temporaries passed by value into
  // a co_await'ed coroutine twice.
  asio::awaitable<void> serve_requests(Stream& stream, const PeerCertificate* peer) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxRequestBytes);
      error_code ec;
      beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      const auto& message = parser.get();
      Request request;
      request.method = std::string(message.method_string());
      request.target = std::string(message.target());
      parse_target(std::string_view(message.target().data(), message.target().size()), request);
      request.accept = std::string(message[http::field::accept]);
      request.authorization = std::string(message[http::field::authorization]);
      request.user_agent = std::string(message[http::field::user_agent]);
      request.body = message.body();
      for (const auto& field : message) request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      const bool keep_alive = message.keep_alive();
      Response response = dispatch(request, *peer);
      const bool proxied = response.proxy != nullptr;
      if (proxied) {
        const std::shared_ptr<ProxyPlan> plan = std::move(response.proxy);
        response = co_await fetch_from_backend(*plan);
        if (plan->finish) response = plan->finish(std::move(response));
      }
      if (options.log_requests) {
        std::fprintf(stderr, "fake-apiserver: %s %s (%s) -> %u%s\n", request.method.c_str(),
                     request.target.c_str(), request.user.name.c_str(), response.status,
                     response.watch ? " (watch)" : response.list ? " (list)" : proxied ? " (proxied)" : "");
      }
      bool ok = true;
      if (response.watch) {
        co_await stream_watch(stream, *response.watch);
        ok = false;  // The watch ends the connection.
      } else if (response.list) {
        ok = co_await stream_list(stream, *response.list, keep_alive);
      } else {
        std::string wire = http_head(response.status, response.content_type, false, response.body.size(), keep_alive);
        wire += response.body;
        ok = co_await write_all(stream, wire);
      }
      if (!ok || !keep_alive) {
        auto& socket = beast::get_lowest_layer(stream).socket();
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        co_return;
      }
    }
  }

  asio::awaitable<void> serve_plain(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    static const PeerCertificate kNoCertificate;
    co_await serve_requests(stream, &kNoCertificate);
  }

  asio::awaitable<void> serve_tls(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    beast::get_lowest_layer(stream).expires_after(kHandshakeTimeout);
    error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const PeerCertificate peer = peer_certificate(stream.native_handle());
    co_await serve_requests(stream, &peer);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        asio::steady_timer pause(*io);
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      if (options.plain_http) {
        asio::co_spawn(*io, serve_plain(std::move(socket)), asio::detached);
      } else {
        asio::co_spawn(*io, serve_tls(std::move(socket)), asio::detached);
      }
    }
  }

  void watch_signals() {
    signals->async_wait([this](error_code ec, int) {
      if (!ec) io->stop();
    });
  }

  Status make_certificates() {
    core::CertificateRequest ca_request;
    ca_request.common_name = "fake-apiserver-ca";
    ca_request.is_ca = true;
    auto generated_ca = core::generate_self_signed(ca_request);
    if (!generated_ca) return generated_ca.status();
    ca = std::move(*generated_ca);
    core::CertificateRequest request;
    request.common_name = "kube-apiserver";
    request.dns_names = {"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                         "kubernetes.default.svc.cluster.local"};
    request.ip_addresses = {"127.0.0.1"};
    if (options.address != "127.0.0.1" && options.address != "0.0.0.0") request.ip_addresses.push_back(options.address);
    auto leaf = core::issue_certificate(request, ca);
    if (!leaf) return leaf.status();
    auto ctx = make_server_context(*leaf);
    if (!ctx) return ctx.status();
    tls = std::move(*ctx);
    if (!options.client_ca.empty()) {
      if (Status st = request_client_certificates(*tls, options.client_ca); !st.is_ok()) return st;
    }
    if (!options.ca_file.empty()) return write_file_atomically(options.ca_file, ca.certificate_pem);
    return Status::ok();
  }

  Status bind_listener() {
    error_code ec;
    const auto address = asio::ip::make_address(options.address, ec);
    if (ec) return Status::invalid_argument("--address " + options.address + ": " + ec.message());
    const tcp::endpoint endpoint(address, options.port);
    acceptor = std::make_unique<tcp::acceptor>(*io);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::permanent("listening on " + options.address + ":" + std::to_string(options.port) + ": " + ec.message());
    bound_port = acceptor->local_endpoint().port();
    return Status::ok();
  }

  std::string url() const {
    const std::string host = options.address == "0.0.0.0" ? "127.0.0.1" : options.address;
    return (options.plain_http ? "http://" : "https://") + host + ":" + std::to_string(bound_port);
  }
};

FakeApiServer::FakeApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FakeApiServer::~FakeApiServer() = default;

Result<std::unique_ptr<FakeApiServer>> FakeApiServer::create(const ApiServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  ModelConfig config = options.model;
  if (!options.anchor_given) config.anchor_unix_ns = now_ns() / 1000000 * 1000000;
  impl->model = std::make_shared<ClusterModel>(config);
  impl->render.seed = config.seed;
  impl->render.kubelet_port = options.kubelet_port;
  impl->render.now_unix_ns = now_ns();
  impl->build_store();
  impl->io = std::make_unique<asio::io_context>(1);
  if (Status st = impl->setup_auth(); !st.is_ok()) return st;
  if (impl->has_auth_configmap()) {
    // Part of the initial state, as if kube-apiserver had published it before anyone listed.
    ObjectPtr cm = impl->render_auth_configmap(impl->rv + 1);
    impl->configmaps[cm->key] = std::move(cm);
    impl->rv = impl->rv + 1;
    impl->floor_rv = impl->rv;
  }
  if (!options.plain_http) {
    if (Status st = impl->make_certificates(); !st.is_ok()) return st;
  }
  if (Status st = impl->bind_listener(); !st.is_ok()) return st;
  if (Status st = impl->configure_backend(); !st.is_ok()) return st;
  impl->build_routes();
  if (!options.kubeconfig_out.empty()) {
    KubeconfigSpec spec;
    spec.server = impl->url();
    spec.ca_pem = impl->ca.certificate_pem;
    spec.insecure_skip_tls_verify = options.plain_http;
    // kubectl prompts for a user name when a user has no credentials at all; the server accepts any
    // token unless --token is given.
    spec.token = options.token.empty() ? std::string("fake-apiserver") : options.token;
    if (Status st = write_kubeconfig(spec, options.kubeconfig_out); !st.is_ok()) return st;
  }
  if (!options.kubeconfig_dir.empty()) {
    KubeconfigSpec base;
    base.server = impl->url();
    base.ca_pem = impl->ca.certificate_pem;
    base.insecure_skip_tls_verify = options.plain_http;
    std::vector<std::pair<std::string, std::string>> tokens;
    for (const auto& [token, user] : impl->users.users()) tokens.emplace_back(token, user.name);
    if (Status st = write_user_kubeconfigs(base, tokens, options.kubeconfig_dir); !st.is_ok()) return st;
  }
  asio::co_spawn(*impl->io, impl->accept_loop(), asio::detached);
  if (options.handle_signals) {
    impl->signals = std::make_unique<asio::signal_set>(*impl->io, SIGINT, SIGTERM);
    impl->watch_signals();
  }
  return std::unique_ptr<FakeApiServer>(new FakeApiServer(std::move(impl)));
}

void FakeApiServer::run() {
  if (!impl_->options.ready_file.empty()) {
    const std::string ready = "pid=" + std::to_string(::getpid()) + "\nport=" + std::to_string(impl_->bound_port) +
                              "\nurl=" + impl_->url() + "\n";
    if (Status st = write_file_atomically(impl_->options.ready_file, ready); !st.is_ok()) {
      std::fprintf(stderr, "fake-apiserver: %s\n", st.message().c_str());
    }
  }
  auto guard = asio::make_work_guard(*impl_->io);
  impl_->io->run();
  // The final usage, with every decision (the I/O thread has stopped).
  if (Status st = impl_->write_usage(); !st.is_ok()) std::fprintf(stderr, "fake-apiserver: %s\n", st.message().c_str());
}

void FakeApiServer::stop() { impl_->io->stop(); }

uint16_t FakeApiServer::port() const { return impl_->bound_port; }

std::string FakeApiServer::url() const { return impl_->url(); }

const std::string& FakeApiServer::ca_certificate_pem() const { return impl_->ca.certificate_pem; }

uint64_t FakeApiServer::rename_pods() {
  return impl_->on_io_thread([impl = impl_.get()] { return impl->do_rename_pods(); });
}

uint64_t FakeApiServer::delete_node(const std::string& name) {
  return impl_->on_io_thread([impl = impl_.get(), name] { return impl->do_delete_node(name); });
}

uint64_t FakeApiServer::expire_watches() {
  return impl_->on_io_thread([impl = impl_.get()] { return impl->do_expire_watches(); });
}

uint64_t FakeApiServer::rotate_front_proxy() {
  return impl_->on_io_thread([impl = impl_.get()] { return impl->do_rotate_front_proxy(); });
}

core::PemPair FakeApiServer::front_proxy_ca() const { return impl_->front_proxy_ca(); }

core::PemPair FakeApiServer::front_proxy_client() const { return impl_->front_proxy_client(); }

FakeApiServerStats FakeApiServer::stats() const { return impl_->stats(); }

std::string FakeApiServer::rbac_usage_json() {
  if (!impl_->rbac) return "";
  return impl_->on_io_thread([impl = impl_.get()] { return impl->rbac_usage.to_json(&*impl->rbac); });
}

uint64_t FakeApiServer::resource_version() const { return impl_->rv.load(); }

std::shared_ptr<const ClusterModel> FakeApiServer::model() const { return impl_->current_model(); }

}  // namespace mpf::sim
