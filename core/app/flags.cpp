#include "core/app/flags.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <utility>

#include "core/log/logger.h"
#include "mpf/sdk/duration.h"

namespace mpf::core {

namespace {

using K = FlagKind;
using T = FlagTarget;

constexpr std::string_view kPipeline = "Pipeline";
constexpr std::string_view kMetricsServer = "Metrics server";
constexpr std::string_view kGeneric = "Generic";
constexpr std::string_view kKubelet = "Kubelet client";
constexpr std::string_view kServing = "Apiserver secure serving";
constexpr std::string_view kAuthn = "Apiserver authentication";
constexpr std::string_view kAuthz = "Apiserver authorization";
constexpr std::string_view kAudit = "Apiserver audit log";
constexpr std::string_view kFeatures = "Features";
constexpr std::string_view kLogging = "Logging";

constexpr std::string_view kNoEffect = "No effect; accepted for compatibility.";
constexpr std::string_view kNoAudit = "No effect: audit logging is not supported; accepted for compatibility.";

// metrics-server v0.9.0's flags (docs/command-line-flags.txt) plus ours, with metrics-server's defaults.
constexpr FlagSpec kFlags[] = {
    // {section, name, shorthand, kind, default as --help shows it, target, document key, help}
    {kPipeline, "config", 0, K::kString, "", T::kAction, "",
     "Load the pipeline (sources, processors, sinks) from the YAML `FILE`. Flags given on the command line "
     "override it. Without it, the metrics-server pipeline runs."},
    {kPipeline, "describe-plugin", 0, K::kString, "", T::kAction, "",
     "Print the options of the plugin `NAME` with their types and defaults, then exit."},
    {kPipeline, "help", 'h', K::kBool, "", T::kAction, "", "help for metrics-server"},
    {kPipeline, "list-plugins", 0, K::kBool, "", T::kAction, "", "List the available plugins, then exit."},
    {kPipeline, "plugin-dir", 0, K::kString, "", T::kGlobal, "plugin_dir",
     "Also load the plugins built as shared libraries in `DIR`."},
    {kPipeline, "print-config", 0, K::kBool, "", T::kAction, "",
     "Print the effective configuration, defaults included, then exit."},
    {kPipeline, "validate-config", 0, K::kBool, "", T::kAction, "",
     "Check the configuration, then exit: status 0 when it is valid."},

    {kMetricsServer, "kubeconfig", 0, K::kString, "", T::kKubeletSourcesAndMetricsApiSinks, "",
     "The path to the kubeconfig used to connect to the Kubernetes API server and the Kubelets (defaults to "
     "in-cluster config)"},
    {kMetricsServer, "metric-resolution", 0, K::kDuration, "1m0s", T::kGlobal, "resolution",
     "How often metrics are scraped and kept; 10s or more is recommended."},
    {kMetricsServer, "version", 0, K::kBool, "", T::kAction, "", "Show version"},

    {kGeneric, "advertise-address", 0, K::kIp, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "cors-allowed-origins", 0, K::kStrings, "", T::kMetricsApiSinks, "",
     "Origins allowed for CORS, comma-separated; each may be a regular expression. Empty disables CORS."},
    {kGeneric, "emulated-version", 0, K::kStrings, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "emulation-forward-compatible", 0, K::kBool, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "external-hostname", 0, K::kString, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "feature-gates", 0, K::kFeatureGates, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "goaway-chance", 0, K::kFloat, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "livez-grace-period", 0, K::kDuration, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "max-mutating-requests-inflight", 0, K::kInt, "200", T::kIgnored, "",
     "No effect: the Metrics API has no mutating requests; accepted for compatibility."},
    {kGeneric, "max-requests-inflight", 0, K::kInt, "400", T::kMetricsApiSinks, "",
     "The maximum number of requests in flight; more are answered with 429. Zero means no limit."},
    {kGeneric, "min-compatibility-version", 0, K::kStrings, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "min-request-timeout", 0, K::kInt, "1800", T::kIgnored, "",
     "No effect: there are no watch requests; accepted for compatibility."},
    {kGeneric, "request-timeout", 0, K::kDuration, "1m0s", T::kMetricsApiSinks, "",
     "The longest a request may take before the server times it out."},
    {kGeneric, "runtime-config-emulation-forward-compatible", 0, K::kBool, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "shutdown-delay-duration", 0, K::kDuration, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "shutdown-send-retry-after", 0, K::kBool, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "shutdown-watch-termination-grace-period", 0, K::kDuration, "", T::kIgnored, "", kNoEffect},
    {kGeneric, "storage-initialization-timeout", 0, K::kDuration, "1m0s", T::kIgnored, "",
     "No effect: there is no storage; accepted for compatibility."},
    {kGeneric, "strict-transport-security-directives", 0, K::kStrings, "", T::kMetricsApiSinks, "",
     "HSTS directives, comma-separated, e.g. 'max-age=31536000,includeSubDomains'. Empty: no "
     "Strict-Transport-Security header."},

    {kKubelet, "deprecated-kubelet-completely-insecure", 0, K::kBool, "", T::kKubeletSources, "plain_http",
     "DEPRECATED: talk to the kubelets over plain HTTP, without encryption or authentication. Rarely right: for "
     "self-signed kubelet certificates use --kubelet-insecure-tls instead."},
    {kKubelet, "kubelet-certificate-authority", 0, K::kString, "", T::kKubeletSources, "ca_file",
     "Path to the CA bundle that validates the Kubelets' serving certificates."},
    {kKubelet, "kubelet-client-certificate", 0, K::kString, "", T::kKubeletSources, "client_certificate_file",
     "Path to a client cert file for TLS."},
    {kKubelet, "kubelet-client-key", 0, K::kString, "", T::kKubeletSources, "client_key_file",
     "Path to a client key file for TLS."},
    {kKubelet, "kubelet-insecure-tls", 0, K::kBool, "", T::kKubeletSources, "insecure_tls",
     "Do not verify the serving certificates of the Kubelets. For testing only."},
    {kKubelet, "kubelet-port", 0, K::kInt, "10250", T::kKubeletSources, "port",
     "The port to use to connect to Kubelets."},
    {kKubelet, "kubelet-preferred-address-types", 0, K::kStrings,
     "[Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP]", T::kKubeletSources, "preferred_address_types",
     "The node address types to try, in order, when choosing the address of a Kubelet."},
    {kKubelet, "kubelet-request-timeout", 0, K::kDuration, "10s", T::kGlobal, "scrape_timeout",
     "How long to wait for one Kubelet before giving up on it, with a unit (1s, 2m, 3h)."},
    {kKubelet, "kubelet-use-node-status-port", 0, K::kBool, "", T::kKubeletSources, "use_node_status_port",
     "Use the port in the node status. Takes precedence over --kubelet-port flag."},
    {kKubelet, "node-selector", 'l', K::kString, "", T::kKubeletSources, "node_selector",
     "Label selector of the nodes to scrape and serve; supports '=', '==' and '!=' (e.g. -l "
     "key1=value1,key2!=value2)."},

    {kServing, "bind-address", 0, K::kIp, "0.0.0.0", T::kMetricsApiSinks, "",
     "The IP address on which to listen for the --secure-port port. Blank or unspecified (0.0.0.0 or ::) means "
     "all interfaces."},
    {kServing, "cert-dir", 0, K::kString, "apiserver.local.config/certificates", T::kMetricsApiSinks, "",
     "The directory of the serving certificate when --tls-cert-file and --tls-private-key-file are not given; "
     "a self-signed pair is generated there if missing."},
    {kServing, "disable-http2-serving", 0, K::kBool, "", T::kMetricsApiSinks, "", "Serve HTTP/1.1 only."},
    {kServing, "http2-max-streams-per-connection", 0, K::kInt, "", T::kMetricsApiSinks, "",
     "The maximum number of concurrent HTTP/2 streams per connection. Zero means the server's default."},
    {kServing, "permit-address-sharing", 0, K::kBool, "", T::kMetricsApiSinks, "",
     "Bind with SO_REUSEADDR (wildcard and specific addresses at once, no wait for TIME_WAIT sockets)."},
    {kServing, "permit-port-sharing", 0, K::kBool, "", T::kMetricsApiSinks, "",
     "Bind with SO_REUSEPORT, so that several processes can listen on the same address and port."},
    {kServing, "secure-port", 0, K::kInt, "443", T::kMetricsApiSinks, "",
     "The port on which to serve HTTPS with authentication and authorization. If 0, don't serve HTTPS at all."},
    {kServing, "tls-cert-file", 0, K::kString, "", T::kMetricsApiSinks, "",
     "The serving certificate, PEM (CA certificates, if any, after it). Without it, see --cert-dir."},
    {kServing, "tls-cipher-suites", 0, K::kStrings, "", T::kMetricsApiSinks, "",
     "Comma-separated TLS cipher suites, by Go name (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). Empty: the "
     "default suites."},
    {kServing, "tls-curve-preferences", 0, K::kInt32Slice, "[]", T::kMetricsApiSinks, "",
     "Comma-separated key exchange groups, as Go crypto/tls CurveID numbers (e.g. 29 for X25519)."},
    {kServing, "tls-min-version", 0, K::kString, "", T::kMetricsApiSinks, "",
     "Minimum TLS version supported. Possible values: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13"},
    {kServing, "tls-private-key-file", 0, K::kString, "", T::kMetricsApiSinks, "",
     "The private key matching --tls-cert-file, PEM."},
    {kServing, "tls-sni-cert-key", 0, K::kNamedCertKey, "[]", T::kMetricsApiSinks, "",
     "A certificate and key file pair, optionally followed by the domain patterns it serves: "
     "\"example.crt,example.key\" or \"foo.crt,foo.key:*.foo.com,foo.com\". Repeat the flag for several pairs."},

    {kAuthn, "authentication-kubeconfig", 0, K::kString, "", T::kMetricsApiSinks, "",
     "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create "
     "tokenreviews.authentication.k8s.io."},
    {kAuthn, "authentication-skip-lookup", 0, K::kBool, "", T::kMetricsApiSinks, "",
     "If false, missing authentication settings are looked up in the cluster (ConfigMap "
     "kube-system/extension-apiserver-authentication)."},
    {kAuthn, "authentication-token-webhook-cache-ttl", 0, K::kDuration, "10s", T::kMetricsApiSinks, "",
     "How long to cache the answers of the token review webhook."},
    {kAuthn, "authentication-tolerate-lookup-failure", 0, K::kBool, "", T::kMetricsApiSinks, "",
     "Start even when the authentication settings cannot be looked up in the cluster; all requests may then "
     "be anonymous."},
    {kAuthn, "client-ca-file", 0, K::kString, "", T::kMetricsApiSinks, "",
     "Authenticate requests presenting a client certificate signed by a CA in this file, as the CommonName of "
     "the certificate."},
    {kAuthn, "requestheader-allowed-names", 0, K::kStrings, "", T::kMetricsApiSinks, "",
     "Client certificate common names allowed to pass user names in the --requestheader-username-headers "
     "headers. Empty: any certificate signed by --requestheader-client-ca-file."},
    {kAuthn, "requestheader-client-ca-file", 0, K::kString, "", T::kMetricsApiSinks, "",
     "The CA bundle that verifies the client certificates of proxies (the API server's aggregator) before "
     "the user names in request headers are trusted."},
    {kAuthn, "requestheader-extra-headers-prefix", 0, K::kStrings, "[x-remote-extra-]", T::kMetricsApiSinks, "",
     "Request header prefixes to inspect for extra user information. X-Remote-Extra- is suggested."},
    {kAuthn, "requestheader-group-headers", 0, K::kStrings, "[x-remote-group]", T::kMetricsApiSinks, "",
     "Request headers to inspect for groups. X-Remote-Group is suggested."},
    {kAuthn, "requestheader-uid-headers", 0, K::kStrings, "", T::kMetricsApiSinks, "",
     "Request headers to inspect for UIDs. X-Remote-Uid is suggested."},
    {kAuthn, "requestheader-username-headers", 0, K::kStrings, "[x-remote-user]", T::kMetricsApiSinks, "",
     "Request headers to inspect for user names. X-Remote-User is common."},

    {kAuthz, "authorization-always-allow-paths", 0, K::kStrings, "[/healthz,/readyz,/livez]", T::kMetricsApiSinks, "",
     "HTTP paths served without asking the 'core' kubernetes server for authorization."},
    {kAuthz, "authorization-kubeconfig", 0, K::kString, "", T::kMetricsApiSinks, "",
     "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create "
     "subjectaccessreviews.authorization.k8s.io."},
    {kAuthz, "authorization-webhook-cache-authorized-ttl", 0, K::kDuration, "10s", T::kMetricsApiSinks, "",
     "How long to cache 'authorized' answers of the webhook authorizer."},
    {kAuthz, "authorization-webhook-cache-unauthorized-ttl", 0, K::kDuration, "10s", T::kMetricsApiSinks, "",
     "How long to cache 'unauthorized' answers of the webhook authorizer."},

    {kAudit, "audit-log-batch-buffer-size", 0, K::kInt, "10000", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-batch-max-size", 0, K::kInt, "1", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-batch-max-wait", 0, K::kDuration, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-batch-throttle-burst", 0, K::kInt, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-batch-throttle-enable", 0, K::kBool, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-batch-throttle-qps", 0, K::kFloat32, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-compress", 0, K::kBool, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-format", 0, K::kString, "json", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-maxage", 0, K::kInt, "366", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-maxbackup", 0, K::kInt, "100", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-maxsize", 0, K::kInt, "100", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-mode", 0, K::kString, "blocking", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-path", 0, K::kString, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-truncate-enabled", 0, K::kBool, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-truncate-max-batch-size", 0, K::kInt, "10485760", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-truncate-max-event-size", 0, K::kInt, "102400", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-log-version", 0, K::kString, "audit.k8s.io/v1", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-policy-file", 0, K::kString, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-batch-buffer-size", 0, K::kInt, "10000", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-batch-max-size", 0, K::kInt, "400", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-batch-max-wait", 0, K::kDuration, "30s", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-batch-throttle-burst", 0, K::kInt, "15", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-batch-throttle-enable", 0, K::kBool, "true", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-batch-throttle-qps", 0, K::kFloat32, "10", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-config-file", 0, K::kString, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-initial-backoff", 0, K::kDuration, "10s", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-mode", 0, K::kString, "batch", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-truncate-enabled", 0, K::kBool, "", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-truncate-max-batch-size", 0, K::kInt, "10485760", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-truncate-max-event-size", 0, K::kInt, "102400", T::kIgnored, "", kNoAudit},
    {kAudit, "audit-webhook-version", 0, K::kString, "audit.k8s.io/v1", T::kIgnored, "", kNoAudit},

    // metrics-server parses these but never applies them either (§5.6 of the reference notes).
    {kFeatures, "contention-profiling", 0, K::kBool, "", T::kIgnored, "", kNoEffect},
    {kFeatures, "debug-socket-path", 0, K::kString, "", T::kIgnored, "", kNoEffect},
    {kFeatures, "enable-priority-and-fairness", 0, K::kBool, "true", T::kIgnored, "", kNoEffect},
    {kFeatures, "profiling", 0, K::kBool, "true", T::kIgnored, "", kNoEffect},

    {kLogging, "log-flush-frequency", 0, K::kDuration, "5s", T::kIgnored, "",
     "No effect: every log line is written at once; accepted for compatibility."},
    {kLogging, "log-json-info-buffer-size", 0, K::kQuantity, "", T::kIgnored, "", kNoEffect},
    {kLogging, "log-json-split-stream", 0, K::kBool, "", T::kIgnored, "", kNoEffect},
    {kLogging, "log-text-info-buffer-size", 0, K::kQuantity, "", T::kIgnored, "", kNoEffect},
    {kLogging, "log-text-split-stream", 0, K::kBool, "", T::kIgnored, "", kNoEffect},
    {kLogging, "logging-format", 0, K::kLogFormat, "text", T::kGlobal, "log_format",
     "Sets the log format. Permitted formats: \"json\", \"text\"."},
    {kLogging, "v", 'v', K::kLevel, "", T::kGlobal, "log_verbosity", "number for the log level verbosity"},
    {kLogging, "vmodule", 0, K::kVmodule, "", T::kIgnored, "",
     "No effect (per-file verbosity); accepted for compatibility."},
};

bool is_list_kind(FlagKind kind) { return kind == K::kStrings || kind == K::kInt32Slice || kind == K::kNamedCertKey; }

// pflag's name for the type of a flag, shown after the flag in --help.
std::string_view type_name(FlagKind kind) {
  switch (kind) {
    case K::kBool: return "";
    case K::kInt: return "int";
    case K::kLevel: return "Level";
    case K::kFloat: return "float";
    case K::kFloat32: return "float32";
    case K::kDuration: return "duration";
    case K::kString: return "string";
    case K::kLogFormat: return "string";
    case K::kIp: return "ip";
    case K::kStrings: return "strings";
    case K::kInt32Slice: return "int32Slice";
    case K::kNamedCertKey: return "namedCertKey";
    case K::kQuantity: return "quantity";
    case K::kFeatureGates: return "colonSeparatedMultimapStringString";
    case K::kVmodule: return "pattern=N,...";
  }
  return "";
}

// ---- Go's value syntaxes ----

std::string_view trim_space(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// strconv's underscoreOK: with base prefixes, '_' may only separate digits.
bool underscore_ok(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = lower(s[i]);
    if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseInt(text, base0 ? 0 : 10, bits), with its error text.
Result<std::int64_t> parse_go_int(std::string_view text, bool base0, int bits) {
  auto error = [&](std::string_view what) {
    return Status::invalid_argument("strconv.ParseInt: parsing " + go_quote(text) + ": " + std::string(what));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return error("invalid syntax");
  unsigned base = 10;
  if (base0 && s[0] == '0') {
    char prefix = s.size() >= 3 ? lower(s[1]) : '\0';
    base = prefix == 'b' ? 2 : prefix == 'o' ? 8 : prefix == 'x' ? 16 : 8;
    s.remove_prefix(prefix == 'b' || prefix == 'o' || prefix == 'x' ? 2 : 1);
  }
  std::uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    if (c == '_' && base0) {
      underscores = true;
      continue;
    }
    char l = lower(c);
    unsigned digit = 99;  // not a digit in any base
    if (l >= '0' && l <= '9') {
      digit = static_cast<unsigned>(l - '0');
    } else if (l >= 'a' && l <= 'z') {
      digit = static_cast<unsigned>(l - 'a' + 10);
    }
    if (digit >= base) return error("invalid syntax");
    if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / base) return error("value out of range");
    n = n * base + digit;
  }
  if (underscores && !underscore_ok(text)) return error("invalid syntax");
  std::uint64_t cutoff = std::uint64_t{1} << (bits - 1);
  if ((!negative && n >= cutoff) || (negative && n > cutoff)) return error("value out of range");
  return negative ? static_cast<std::int64_t>(~n + 1) : static_cast<std::int64_t>(n);
}

// strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
  return std::nullopt;
}

// strconv.ParseFloat(text, bits); the text is kept as written.
Status check_go_float(std::string_view text, int bits) {
  auto error = [&](std::string_view what) {
    return Status::invalid_argument("strconv.ParseFloat: parsing " + go_quote(text) + ": " + std::string(what));
  };
  std::string copy(text);
  if (copy.empty() || trim_space(copy).size() != copy.size()) return error("invalid syntax");
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return error("invalid syntax");
  bool written_infinite = std::isinf(value) && copy.find_first_of("iI") != std::string::npos;
  if (!written_infinite && (std::isinf(value) || (bits == 32 && std::fabs(value) > FLT_MAX))) {
    return error("value out of range");
  }
  return Status::ok();
}

// One record of Go's encoding/csv, as pflag reads list values; "" is the empty list.
Result<ConfigValue> parse_csv(std::string_view text) {
  ConfigValue list = ConfigValue::list();
  if (text.empty()) return list;
  auto error = [](std::size_t column, std::string_view what) {
    return Status::invalid_argument("parse error on line 1, column " + std::to_string(column) + ": " +
                                    std::string(what));
  };
  std::size_t i = 0;
  while (true) {
    std::string field;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += text[i++];
      }
      if (!closed || (i < text.size() && text[i] != ',')) {
        return error(i + 1, "extraneous or missing \" in quoted-field");
      }
    } else {
      std::size_t start = i;
      while (i < text.size() && text[i] != ',') {
        if (text[i] == '"') return error(i + 1, "bare \" in non-quoted-field");
        ++i;
      }
      field = text.substr(start, i - start);
    }
    list.push_back(ConfigValue::scalar(std::move(field)));
    if (i >= text.size()) break;
    ++i;  // the comma; a trailing one yields a last, empty field
  }
  return list;
}

// Parses one occurrence of a flag's value: a scalar, or for list kinds a list of what this occurrence adds.
// The error is the part of pflag's message after "flag: ".
Result<ConfigValue> parse_value(const FlagSpec& spec, std::string_view text) {
  switch (spec.kind) {
    case K::kBool: {
      auto b = parse_go_bool(text);
      if (!b) return Status::invalid_argument("strconv.ParseBool: parsing " + go_quote(text) + ": invalid syntax");
      return ConfigValue::scalar(*b ? "true" : "false");
    }
    case K::kInt:
    case K::kLevel: {
      auto n = spec.kind == K::kInt ? parse_go_int(text, true, 64) : parse_go_int(text, false, 32);
      if (!n) return n.status();
      return ConfigValue::scalar(std::to_string(*n));
    }
    case K::kFloat:
    case K::kFloat32: {
      if (Status st = check_go_float(text, spec.kind == K::kFloat ? 64 : 32); !st.is_ok()) return st;
      return ConfigValue::scalar(std::string(text));
    }
    case K::kDuration: {
      auto d = parse_duration(text);
      if (!d) return Status::invalid_argument("time: invalid duration " + go_quote(text));
      return ConfigValue::scalar(format_duration(*d));
    }
    case K::kLogFormat: {
      if (auto format = parse_log_format(text); !format) return format.status();
      return ConfigValue::scalar(std::string(text));
    }
    case K::kIp: {
      std::string trimmed(trim_space(text));
      unsigned char buffer[16];
      if (!text.empty() && inet_pton(AF_INET, trimmed.c_str(), buffer) != 1 &&
          inet_pton(AF_INET6, trimmed.c_str(), buffer) != 1) {
        return Status::invalid_argument("failed to parse IP: " + go_quote(text));
      }
      return ConfigValue::scalar(std::move(trimmed));
    }
    case K::kStrings: return parse_csv(text);
    case K::kInt32Slice: {
      ConfigValue list = ConfigValue::list();
      std::size_t start = 0;
      while (true) {
        std::size_t comma = text.find(',', start);
        auto n = parse_go_int(text.substr(start, comma == std::string_view::npos ? comma : comma - start), true, 32);
        if (!n) return n.status();
        list.push_back(ConfigValue::scalar(std::to_string(*n)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return list;
    }
    case K::kNamedCertKey: {
      std::string_view value = trim_space(text);
      std::string_view pair = value.substr(0, value.find(':'));
      if (pair.size() != value.size() && trim_space(value.substr(pair.size() + 1)).empty()) {
        return Status::invalid_argument("empty names list is not allowed");
      }
      if (std::count(pair.begin(), pair.end(), ',') != 1) {
        return Status::invalid_argument("expected comma separated certificate and key file paths");
      }
      ConfigValue list = ConfigValue::list();
      list.push_back(ConfigValue::scalar(std::string(value)));
      return list;
    }
    case K::kString:
    case K::kQuantity:
    case K::kFeatureGates:
    case K::kVmodule: return ConfigValue::scalar(std::string(text));
  }
  return ConfigValue::scalar(std::string(text));
}

// pflag's name of a flag in "invalid argument" messages.
std::string display_name(const FlagSpec& spec) {
  std::string name = "--" + std::string(spec.name);
  if (spec.shorthand != 0) return std::string("-") + spec.shorthand + ", " + name;
  return name;
}

const FlagSpec* find_shorthand(char c) {
  for (const auto& spec : kFlags) {
    if (spec.shorthand != 0 && spec.shorthand == c) return &spec;
  }
  return nullptr;
}

// The pflag parsing loop over argv[1..].
class Parser {
 public:
  Parser(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) args_.emplace_back(argv[i] != nullptr ? argv[i] : "");
  }

  Result<CommandLine> run() {
    while (next_ < args_.size()) {
      std::string_view arg = args_[next_++];
      if (arg == "--") {
        while (next_ < args_.size()) result_.arguments.emplace_back(args_[next_++]);
        break;
      }
      Status st;
      if (arg.size() < 2 || arg[0] != '-') {
        result_.arguments.emplace_back(arg);
      } else if (arg[1] == '-') {
        st = parse_long(arg, arg.substr(2));
      } else {
        st = parse_short(arg);
      }
      if (!st.is_ok()) return st;
    }
    for (const auto& flag : result_.given) {
      if (flag.spec->target == T::kAction) set_action(*flag.spec, flag.value);
    }
    return std::move(result_);
  }

 private:
  // `arg` as written; `body` is it without its leading dashes.
  Status parse_long(std::string_view arg, std::string_view body) {
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return Status::invalid_argument("bad flag syntax: " + std::string(arg));
    }
    std::size_t eq = body.find('=');
    std::string_view name = body.substr(0, eq);
    const FlagSpec* spec = find_flag(name);
    if (spec == nullptr) return Status::invalid_argument("unknown flag: --" + std::string(name));
    if (eq != std::string_view::npos) return set(*spec, body.substr(eq + 1));
    if (spec->kind == K::kBool) return set(*spec, "true");
    if (next_ < args_.size()) return set(*spec, args_[next_++]);
    return Status::invalid_argument("flag needs an argument: " + std::string(arg));
  }

  Status parse_short(std::string_view arg) {
    std::string_view shorthands = arg.substr(1);
    // Go's flag package also takes long names after one dash (-kubeconfig=...); pflag would read that as
    // a run of shorthands and fail, so accepting it only widens what works.
    std::string_view name = shorthands.substr(0, shorthands.find('='));
    if (name.size() > 1 && find_flag(name) != nullptr) return parse_long(arg, shorthands);
    while (!shorthands.empty()) {
      char c = shorthands[0];
      const FlagSpec* spec = find_shorthand(c);
      if (spec == nullptr) {
        return Status::invalid_argument(std::string("unknown shorthand flag: '") + c + "' in " + std::string(arg));
      }
      std::string_view value;
      if (shorthands.size() > 2 && shorthands[1] == '=') {
        value = shorthands.substr(2);
        shorthands = {};
      } else if (spec->kind == K::kBool) {
        value = "true";
        shorthands.remove_prefix(1);
      } else if (shorthands.size() > 1) {
        value = shorthands.substr(1);
        shorthands = {};
      } else if (next_ < args_.size()) {
        value = args_[next_++];
        shorthands = {};
      } else {
        return Status::invalid_argument(std::string("flag needs an argument: '") + c + "' in " + std::string(arg));
      }
      if (Status st = set(*spec, value); !st.is_ok()) return st;
    }
    return Status::ok();
  }

  Status set(const FlagSpec& spec, std::string_view text) {
    Result<ConfigValue> value = parse_value(spec, text);
    if (!value) {
      return Status::invalid_argument("invalid argument " + go_quote(text) + " for " + go_quote(display_name(spec)) +
                                      " flag: " + value.status().message());
    }
    auto [it, first] = index_.try_emplace(&spec, result_.given.size());
    if (first) {
      result_.given.push_back(ExplicitFlag{&spec, std::move(value).value()});
      if (spec.target == T::kIgnored) result_.ignored_flags.push_back("--" + std::string(spec.name));
      return Status::ok();
    }
    ConfigValue& current = result_.given[it->second].value;
    if (is_list_kind(spec.kind)) {
      // pflag: the first occurrence replaces the default, later ones append.
      for (const auto& item : value->items()) current.push_back(item);
    } else {
      current = std::move(value).value();
    }
    return Status::ok();
  }

  void set_action(const FlagSpec& spec, const ConfigValue& value) {
    bool on = value.text() == "true";
    if (spec.name == "config") result_.config_file = value.text();
    if (spec.name == "describe-plugin") result_.describe_plugin = value.text();
    if (spec.name == "help") result_.help = on;
    if (spec.name == "version") result_.version = on;
    if (spec.name == "list-plugins") result_.list_plugins = on;
    if (spec.name == "print-config") result_.print_config = on;
    if (spec.name == "validate-config") result_.validate_config = on;
  }

  std::vector<std::string_view> args_;
  std::size_t next_ = 0;
  CommandLine result_;
  std::map<const FlagSpec*, std::size_t> index_;  // flag -> its position in result_.given
};

// ---- applying flags to the document ----

bool has_plugin(const ConfigValue& entry, std::initializer_list<std::string_view> plugins) {
  const ConfigValue* plugin = entry.find("plugin");
  if (plugin == nullptr || !plugin->is_scalar()) return false;
  return std::find(plugins.begin(), plugins.end(), plugin->text()) != plugins.end();
}

bool is_kubelet_source(const ConfigValue& entry) { return has_plugin(entry, {"kubelet_resource", "kubelet_summary"}); }
bool is_metrics_api_sink(const ConfigValue& entry) { return has_plugin(entry, {"metrics_api"}); }

// Sets options.<key> on every entry of document.<section> that `matches`; returns how many matched.
// ConfigValue offers no mutable access to list items, so the list is rebuilt.
std::size_t set_on_entries(ConfigValue& document, std::string_view section, bool (*matches)(const ConfigValue&),
                           const std::string& key, const ConfigValue& value, const std::string& flag,
                           std::vector<std::string>& warnings) {
  const ConfigValue* entries = document.find(section);
  if (entries == nullptr || !entries->is_list()) return 0;
  std::size_t matched = 0;
  ConfigValue rebuilt = ConfigValue::list();
  for (std::size_t i = 0; i < entries->items().size(); ++i) {
    ConfigValue entry = entries->items()[i];
    if (matches(entry)) {
      ++matched;
      const ConfigValue* options = entry.find("options");
      if (options != nullptr && !options->is_null() && !options->is_map()) {
        warnings.push_back(flag + " not applied to " + std::string(section) + "[" + std::to_string(i) +
                           "]: its options are not a map");
      } else {
        ConfigValue updated = options != nullptr && options->is_map() ? *options : ConfigValue::map();
        updated.set(key, value);
        entry.set("options", std::move(updated));
      }
    }
    rebuilt.push_back(std::move(entry));
  }
  if (matched > 0) document.set(std::string(section), std::move(rebuilt));
  return matched;
}

void set_global(ConfigValue& document, const std::string& key, const ConfigValue& value, const std::string& flag,
                std::vector<std::string>& warnings) {
  if (!document.is_map()) {
    warnings.push_back(flag + " not applied: the config document is not a map");
    return;
  }
  const ConfigValue* global = document.find("global");
  if (global != nullptr && !global->is_null() && !global->is_map()) {
    warnings.push_back(flag + " not applied: global is not a map");
    return;
  }
  ConfigValue updated = global != nullptr && global->is_map() ? *global : ConfigValue::map();
  updated.set(key, value);
  if (global != nullptr) {
    document.set("global", std::move(updated));
    return;
  }
  // A new global section goes first, where a reader of --print-config expects it.
  ConfigValue rebuilt = ConfigValue::map();
  rebuilt.set("global", std::move(updated));
  for (const auto& [k, v] : document.entries()) rebuilt.set(k, v);
  document = std::move(rebuilt);
}

ConfigValue plugin_entry(std::string_view plugin) {
  ConfigValue entry = ConfigValue::map();
  entry.set("plugin", ConfigValue::scalar(std::string(plugin)));
  return entry;
}

// pflag's UnquoteUsage: a `word` in backquotes names the value; otherwise the type does.
std::pair<std::string, std::string> unquote_usage(const FlagSpec& spec) {
  std::string usage(spec.help);
  std::size_t open = usage.find('`');
  if (open != std::string::npos) {
    std::size_t close = usage.find('`', open + 1);
    if (close != std::string::npos) {
      std::string name = usage.substr(open + 1, close - open - 1);
      usage.erase(close, 1);
      usage.erase(open, 1);
      return {name, usage};
    }
  }
  return {std::string(type_name(spec.kind)), usage};
}

}  // namespace

std::span<const FlagSpec> flag_table() { return kFlags; }

const FlagSpec* find_flag(std::string_view name) {
  for (const auto& spec : kFlags) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string flag_key(const FlagSpec& spec) {
  std::string key(spec.key.empty() ? spec.name : spec.key);
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

const ExplicitFlag* CommandLine::find(std::string_view name) const {
  for (const auto& flag : given) {
    if (flag.spec->name == name) return &flag;
  }
  return nullptr;
}

Result<CommandLine> parse_command_line(int argc, const char* const* argv) {
  try {
    return Parser(argc, argv).run();
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string("cannot parse the command line: ") + e.what());
  }
}

ConfigValue default_metrics_server_document() {
  ConfigValue document = ConfigValue::map();
  ConfigValue& sources = document.set("sources", ConfigValue::list());
  sources.push_back(plugin_entry("kubelet_resource"));
  ConfigValue& processors = document.set("processors", ConfigValue::list());
  for (std::string_view processor : kMetricsServerDefaultProcessors) processors.push_back(plugin_entry(processor));
  ConfigValue& sinks = document.set("sinks", ConfigValue::list());
  sinks.push_back(plugin_entry("metrics_api"));
  return document;
}

void apply_flags(const CommandLine& command_line, ConfigValue& document, std::vector<std::string>& warnings) {
  if (document.is_null()) document = ConfigValue::map();
  for (const auto& flag : command_line.given) {
    const FlagSpec& spec = *flag.spec;
    std::string key = flag_key(spec);
    std::string dashed = "--" + std::string(spec.name);
    switch (spec.target) {
      case T::kAction:
      case T::kIgnored: break;
      case T::kGlobal: set_global(document, key, flag.value, dashed, warnings); break;
      case T::kKubeletSources:
        if (set_on_entries(document, "sources", is_kubelet_source, key, flag.value, dashed, warnings) == 0) {
          warnings.push_back(dashed + " has no effect: the config has no kubelet source");
        }
        break;
      case T::kMetricsApiSinks:
        if (set_on_entries(document, "sinks", is_metrics_api_sink, key, flag.value, dashed, warnings) == 0) {
          warnings.push_back(dashed + " has no effect: the config has no metrics_api sink");
        }
        break;
      case T::kKubeletSourcesAndMetricsApiSinks: {
        std::size_t matched = set_on_entries(document, "sources", is_kubelet_source, key, flag.value, dashed, warnings);
        matched += set_on_entries(document, "sinks", is_metrics_api_sink, key, flag.value, dashed, warnings);
        if (matched == 0) {
          warnings.push_back(dashed + " has no effect: the config has no kubelet source and no metrics_api sink");
        }
        break;
      }
    }
  }
}

std::string help_text() {
  std::string out = "Launch metrics-server\n\nUsage:\n  metrics-server [flags]\n";
  std::vector<std::string_view> sections;
  for (const auto& spec : kFlags) {
    if (std::find(sections.begin(), sections.end(), spec.section) == sections.end()) sections.push_back(spec.section);
  }
  for (std::string_view section : sections) {
    std::vector<const FlagSpec*> specs;
    for (const auto& spec : kFlags) {
      if (spec.section == section) specs.push_back(&spec);
    }
    std::stable_sort(specs.begin(), specs.end(),
                     [](const FlagSpec* a, const FlagSpec* b) { return a->name < b->name; });
    // pflag's FlagUsages: "  -l, --name type" padded to the longest such head, then the usage.
    std::vector<std::pair<std::string, std::string>> lines;
    std::size_t width = 0;
    for (const FlagSpec* spec : specs) {
      std::string head = spec->shorthand != 0 ? std::string("  -") + spec->shorthand + ", --" : "      --";
      head += spec->name;
      auto [value_name, usage] = unquote_usage(*spec);
      if (!value_name.empty()) head += " " + value_name;
      if (!spec->default_text.empty()) {
        bool quoted = spec->kind == K::kString || spec->kind == K::kLogFormat;
        usage += " (default " + (quoted ? go_quote(spec->default_text) : std::string(spec->default_text)) + ")";
      }
      width = std::max(width, head.size());
      lines.emplace_back(std::move(head), std::move(usage));
    }
    out += "\n" + std::string(section) + " flags:\n\n";
    for (const auto& [head, usage] : lines) out += head + std::string(width - head.size() + 3, ' ') + usage + "\n";
  }
  return out;
}

}  // namespace mpf::core
