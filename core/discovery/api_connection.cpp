#include "core/discovery/api_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "core/discovery/base64.h"
#include "core/discovery/server_url.h"
#include "core/log/logger.h"  // go_quote

namespace mpf::core {
namespace {

// Real kubeconfigs are a few KiB (tens with embedded certificates); anything near this is not one.
constexpr std::size_t kMaxKubeconfigBytes = 16u << 20;

constexpr std::string_view kUseSupportedCredentials = "use a token, token file or client certificate";

// A mapping's entries by key. Keys are checked unique: yaml-cpp keeps duplicates silently, while Go's
// YAML reader (and so kubectl) rejects them.
using Fields = std::map<std::string, YAML::Node, std::less<>>;

// An entry of clusters, users or contexts.
struct Named {
  std::string name;
  YAML::Node body;  // its `cluster`, `user` or `context` mapping; null when absent
};

Status invalid(std::string message) { return Status::invalid_argument(std::move(message)); }

// Names appear as Go's %q writes them (client-go's wording), so odd bytes keep a message on one line.
std::string q(std::string_view text) { return go_quote(text); }

std::string describe_errno(int error) { return std::error_code(error, std::generic_category()).message(); }

std::string position(const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) + ": ";
}

bool is_null(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

// Whether an entry says something: not null, not "", not an empty list or mapping.
bool is_set(const YAML::Node& node) {
  if (is_null(node)) return false;
  if (node.IsScalar()) return !node.Scalar().empty();
  return node.size() > 0;
}

Result<Fields> fields_of(const YAML::Node& node, const std::string& where) {
  Fields fields;
  if (is_null(node)) return fields;
  if (!node.IsMap()) return invalid(where + " must be a mapping");
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return invalid(where + " has a key that is not a string");
    if (!fields.emplace(it->first.Scalar(), it->second).second) {
      return invalid(where + ": duplicate key " + q(it->first.Scalar()));
    }
  }
  return fields;
}

YAML::Node field(const Fields& fields, std::string_view key) {
  auto it = fields.find(key);
  return it == fields.end() ? YAML::Node() : it->second;
}

// A string entry; "" when absent or null.
Result<std::string> string_at(const Fields& fields, std::string_view key, const std::string& where) {
  const YAML::Node node = field(fields, key);
  if (is_null(node)) return std::string();
  if (!node.IsScalar()) return invalid(where + ": " + std::string(key) + " must be a string");
  return node.Scalar();
}

// A boolean entry; false when absent or null.
Result<bool> bool_at(const Fields& fields, std::string_view key, const std::string& where) {
  const YAML::Node node = field(fields, key);
  if (is_null(node)) return false;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return invalid(where + ": " + std::string(key) + " must be true or false");
  }
  return value;
}

// clusters, users or contexts: a list of {name, <body_key>}. Unnamed entries cannot be referenced and
// are skipped; a name used twice is an error, as in client-go.
Result<std::vector<Named>> named_list(const Fields& top, std::string_view key, std::string_view body_key) {
  std::vector<Named> entries;
  const YAML::Node list = field(top, key);
  if (is_null(list)) return entries;
  if (!list.IsSequence()) return invalid(std::string(key) + " must be a list");
  std::set<std::string, std::less<>> names;
  std::size_t index = 0;
  for (auto it = list.begin(); it != list.end(); ++it, ++index) {
    const std::string where = std::string(key) + "[" + std::to_string(index) + "]";
    Result<Fields> fields = fields_of(*it, where);
    if (!fields) return fields.status();
    Result<std::string> name = string_at(*fields, "name", where);
    if (!name) return name.status();
    if (name->empty()) continue;
    if (!names.insert(*name).second) return invalid(std::string(key) + ": duplicate name " + q(*name));
    entries.push_back({std::move(*name), field(*fields, body_key)});
  }
  return entries;
}

const Named* find_named(const std::vector<Named>& entries, std::string_view name) {
  for (const Named& entry : entries) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

// " (contexts in the file: "a", "b")", to point at a typo.
std::string known_names(const std::vector<Named>& entries, std::string_view what) {
  if (entries.empty()) return " (the file defines no " + std::string(what) + ")";
  constexpr std::size_t kShown = 10;
  std::string text = " (" + std::string(what) + " in the file: ";
  for (std::size_t i = 0; i < entries.size() && i < kShown; ++i) text += (i ? ", " : "") + q(entries[i].name);
  if (entries.size() > kShown) text += ", ...";
  return text + ")";
}

// A file path from the kubeconfig, relative ones against the kubeconfig's directory (client-go's
// ResolveLocalPaths).
std::string resolve_path(std::string_view directory, const std::string& path) {
  if (path.empty() || path.front() == '/' || directory.empty()) return path;
  return (std::filesystem::path(directory) / path).lexically_normal().string();
}

// ---- Kubeconfig entries ----------------------------------------------------------------------------

// Fills in a base64 *-data entry, naming it when it is malformed.
Status decode_data(const std::string& encoded, std::string_view key, const std::string& where, std::string& pem) {
  if (encoded.empty()) return Status::ok();
  std::optional<std::string> decoded = decode_base64(encoded);
  if (!decoded) return invalid(where + ": " + std::string(key) + " is not valid base64");
  pem = std::move(*decoded);
  return Status::ok();
}

Status apply_cluster(const Named& cluster, std::string_view directory, ApiServerConnection& connection,
                     std::string& server) {
  const std::string where = "cluster " + q(cluster.name);
  Result<Fields> fields = fields_of(cluster.body, where);
  if (!fields) return fields.status();
  if (is_set(field(*fields, "tls-server-name"))) {
    return invalid(where + ": tls-server-name is not supported by this build; use a server address that the "
                           "API server's certificate names");
  }
  if (is_set(field(*fields, "proxy-url"))) {
    return invalid(where + ": proxy-url is not supported by this build; the API server must be reachable directly");
  }
  Result<std::string> server_value = string_at(*fields, "server", where);
  if (!server_value) return server_value.status();
  if (server_value->empty()) return invalid(where + " has no server");
  Result<ServerUrl> url = parse_server_url(*server_value);
  if (!url) return invalid(where + ": " + url.status().message());

  Result<std::string> ca_file = string_at(*fields, "certificate-authority", where);
  if (!ca_file) return ca_file.status();
  Result<std::string> ca_data = string_at(*fields, "certificate-authority-data", where);
  if (!ca_data) return ca_data.status();
  Result<bool> insecure = bool_at(*fields, "insecure-skip-tls-verify", where);
  if (!insecure) return insecure.status();
  if (!ca_file->empty() && !ca_data->empty()) {
    return invalid(where + ": certificate-authority and certificate-authority-data are both set; keep one");
  }
  if (*insecure && (!ca_file->empty() || !ca_data->empty())) {
    // client-go's transport refuses the pair too: "specifying a root certificates file with the insecure
    // flag is not allowed".
    return invalid(where + ": insecure-skip-tls-verify cannot be combined with a certificate authority; remove one");
  }
  HttpClientOptions& http = connection.http;
  if (Status s = decode_data(*ca_data, "certificate-authority-data", where, http.ca_pem); !s.is_ok()) return s;
  http.ca_file = resolve_path(directory, *ca_file);
  http.insecure_skip_verify = *insecure;
  http.tls = url->tls;
  connection.host = std::move(url->host);
  connection.port = url->port;
  connection.path_prefix = std::move(url->path_prefix);
  server = std::move(*server_value);
  return Status::ok();
}

// Credentials that need machinery this build does not have. Refused rather than ignored: connecting
// anonymously (or as someone else) would fail later with a far less helpful 401 or 403.
Status refuse_unsupported_auth(const Fields& fields, const std::string& where) {
  if (is_set(field(fields, "exec"))) {
    return invalid(where + ": exec credential plugins are not supported by this build; " +
                   std::string(kUseSupportedCredentials));
  }
  if (is_set(field(fields, "auth-provider"))) {
    return invalid(where + ": auth-provider plugins are not supported by this build; " +
                   std::string(kUseSupportedCredentials));
  }
  if (is_set(field(fields, "username")) || is_set(field(fields, "password"))) {
    return invalid(where + ": username/password (basic) authentication is not supported by this build; " +
                   std::string(kUseSupportedCredentials));
  }
  for (std::string_view key : {"as", "as-uid", "as-groups", "as-user-extra"}) {
    if (is_set(field(fields, key))) {
      return invalid(where + ": impersonation (" + std::string(key) + ") is not supported by this build");
    }
  }
  return Status::ok();
}

Status apply_user(const Named& user, std::string_view directory, HttpClientOptions& http) {
  const std::string where = "user " + q(user.name);
  Result<Fields> fields = fields_of(user.body, where);
  if (!fields) return fields.status();
  if (Status s = refuse_unsupported_auth(*fields, where); !s.is_ok()) return s;

  std::string token, token_file, cert_file, cert_data, key_file, key_data;
  const std::pair<std::string_view, std::string*> entries[] = {
      {"token", &token},
      {"tokenFile", &token_file},
      {"client-certificate", &cert_file},
      {"client-certificate-data", &cert_data},
      {"client-key", &key_file},
      {"client-key-data", &key_data}};
  for (const auto& [key, out] : entries) {
    Result<std::string> value = string_at(*fields, key, where);
    if (!value) return value.status();
    *out = std::move(*value);
  }
  for (char c : token) {
    // It goes into an Authorization header; a block scalar's trailing newline would break the request.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return invalid(where + ": token contains a control character (a line break?)");
    }
  }
  if (!cert_file.empty() && !cert_data.empty()) {
    return invalid(where + ": client-certificate and client-certificate-data are both set; keep one");
  }
  if (!key_file.empty() && !key_data.empty()) {
    return invalid(where + ": client-key and client-key-data are both set; keep one");
  }
  const bool has_cert = !cert_file.empty() || !cert_data.empty();
  const bool has_key = !key_file.empty() || !key_data.empty();
  if (has_cert != has_key) {
    return invalid(where + (has_cert ? ": client-certificate needs client-key or client-key-data"
                                     : ": client-key needs client-certificate or client-certificate-data"));
  }
  if (Status s = decode_data(cert_data, "client-certificate-data", where, http.client_certificate_pem); !s.is_ok()) {
    return s;
  }
  if (Status s = decode_data(key_data, "client-key-data", where, http.client_key_pem); !s.is_ok()) return s;
  http.client_certificate_file = resolve_path(directory, cert_file);
  http.client_key_file = resolve_path(directory, key_file);
  // The file wins over a fixed token: it may be rotated, and client-go prefers it when readable.
  if (!token_file.empty()) {
    http.bearer_token_file = resolve_path(directory, token_file);
  } else {
    http.bearer_token = token;
  }
  return Status::ok();
}

// parse_kubeconfig() without the `kubeconfig "<origin>": ` prefix on its messages. yaml-cpp may throw;
// the caller catches.
Result<ApiServerConnection> parse_document(std::string_view text, std::string_view origin,
                                           std::string_view directory, std::string_view context) {
  const YAML::Node root = YAML::Load(std::string(text));
  if (is_null(root)) return invalid("the file is empty");
  const std::string top_level = "the top level";
  Result<Fields> top = fields_of(root, top_level);
  if (!top) return top.status();
  Result<std::string> kind = string_at(*top, "kind", top_level);
  if (!kind) return kind.status();
  if (!kind->empty() && *kind != "Config") return invalid("kind is " + q(*kind) + ", not \"Config\"");
  Result<std::string> api_version = string_at(*top, "apiVersion", top_level);
  if (!api_version) return api_version.status();
  if (!api_version->empty() && *api_version != "v1") {
    return invalid("apiVersion is " + q(*api_version) + ", not \"v1\"");
  }
  Result<std::vector<Named>> clusters = named_list(*top, "clusters", "cluster");
  if (!clusters) return clusters.status();
  Result<std::vector<Named>> users = named_list(*top, "users", "user");
  if (!users) return users.status();
  Result<std::vector<Named>> contexts = named_list(*top, "contexts", "context");
  if (!contexts) return contexts.status();

  std::string context_name(context);
  if (context_name.empty()) {
    Result<std::string> current = string_at(*top, "current-context", top_level);
    if (!current) return current.status();
    if (current->empty()) return invalid("no current-context set");
    context_name = std::move(*current);
  }
  const Named* chosen = find_named(*contexts, context_name);
  if (!chosen) return invalid("context " + q(context_name) + " not found" + known_names(*contexts, "contexts"));
  const std::string where = "context " + q(context_name);
  Result<Fields> context_fields = fields_of(chosen->body, where);
  if (!context_fields) return context_fields.status();
  Result<std::string> cluster_name = string_at(*context_fields, "cluster", where);
  if (!cluster_name) return cluster_name.status();
  Result<std::string> user_name = string_at(*context_fields, "user", where);
  if (!user_name) return user_name.status();

  if (cluster_name->empty()) return invalid(where + " names no cluster");
  const Named* cluster = find_named(*clusters, *cluster_name);
  if (!cluster) {
    return invalid("cluster " + q(*cluster_name) + " (of " + where + ") not found" + known_names(*clusters, "clusters"));
  }
  ApiServerConnection connection;
  std::string server;
  if (Status s = apply_cluster(*cluster, directory, connection, server); !s.is_ok()) return s;
  // No user: anonymous, as in client-go. A user that is named but missing is a typo, not a wish for
  // anonymity (client-go would go on anonymously).
  if (!user_name->empty()) {
    const Named* user = find_named(*users, *user_name);
    if (!user) return invalid("user " + q(*user_name) + " (of " + where + ") not found" + known_names(*users, "users"));
    if (Status s = apply_user(*user, directory, connection.http); !s.is_ok()) return s;
  }
  connection.http.user_agent = "metrics-server";
  connection.description =
      "kubeconfig " + q(origin) + " (context " + q(context_name) + ", server " + server + ")";
  return connection;
}

// Ok when `path` can be opened for reading; otherwise why not.
Status check_readable(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return invalid(describe_errno(errno));
  struct stat info {};
  const bool directory = ::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode);
  ::close(fd);
  return directory ? invalid("is a directory") : Status::ok();
}

Result<std::string> read_small_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return invalid("cannot open the file: " + describe_errno(errno));
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return invalid("cannot read the file: " + describe_errno(error));
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > kMaxKubeconfigBytes) {
      ::close(fd);
      return invalid("the file is larger than 16 MiB; not a kubeconfig");
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

Result<ApiServerConnection> parse_kubeconfig(std::string_view text, std::string_view origin,
                                             std::string_view directory, std::string_view context) {
  const std::string prefix = "kubeconfig " + q(origin) + ": ";
  try {
    Result<ApiServerConnection> connection = parse_document(text, origin, directory, context);
    if (!connection) return invalid(prefix + connection.status().message());
    return connection;
  } catch (const YAML::Exception& e) {
    return invalid(prefix + position(e.mark) + e.msg);
  } catch (const std::exception& e) {
    return invalid(prefix + "cannot be parsed: " + e.what());
  }
}

Result<ApiServerConnection> load_kubeconfig(const std::string& path, std::string_view context) {
  Result<std::string> text = read_small_file(path);
  if (!text) return invalid("kubeconfig " + q(path) + ": " + text.status().message());
  // client-go resolves against the absolute directory of the file.
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) absolute = path;
  return parse_kubeconfig(*text, path, absolute.parent_path().string(), context);
}

Result<ApiServerConnection> in_cluster_connection(const EnvGetter& env, std::string_view service_account_dir) {
  std::optional<std::string> host = env("KUBERNETES_SERVICE_HOST");
  std::optional<std::string> port_text = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port_text || port_text->empty()) {
    return invalid(
        "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
        "defined");
  }
  ApiServerConnection connection;
  std::string_view bare = *host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  if (!is_valid_host(bare)) {
    return invalid("in-cluster configuration: KUBERNETES_SERVICE_HOST " + q(*host) +
                   " is not a host name or IP address");
  }
  std::optional<std::uint16_t> port = parse_port(*port_text);
  if (!port) {
    return invalid("in-cluster configuration: KUBERNETES_SERVICE_PORT " + q(*port_text) + " is not a port number");
  }
  connection.host = std::string(bare);
  connection.port = *port;

  const std::filesystem::path dir(service_account_dir);
  const std::string token_file = (dir / "token").string();
  const std::string ca_file = (dir / "ca.crt").string();
  // client-go reads the token up front and fails without it; the engine re-reads it as it rotates.
  if (Status s = check_readable(token_file); !s.is_ok()) {
    return invalid("in-cluster configuration: cannot read the service account token " + q(token_file) + ": " +
                   s.message());
  }
  connection.http.bearer_token_file = token_file;
  // client-go logs an unusable CA and goes on with the system's roots; so do we (the caller logs).
  if (Status s = check_readable(ca_file); s.is_ok()) {
    connection.http.ca_file = ca_file;
  } else {
    connection.warnings.push_back("in-cluster configuration: cannot read the service account CA " + q(ca_file) +
                                  ": " + s.message() + "; verifying the API server with the system's default roots");
  }
  connection.http.tls = true;
  connection.http.user_agent = "metrics-server";
  connection.description = "in-cluster (" + url_text(ServerUrl{true, connection.host, connection.port, {}}) + ")";
  return connection;
}

Result<ApiServerConnection> resolve_api_connection(const std::string& kubeconfig, const EnvGetter& env) {
  if (!kubeconfig.empty()) return load_kubeconfig(kubeconfig);
  return in_cluster_connection(env);
}

}  // namespace mpf::core
