// The flag table: metrics-server's flags and ours as data. Parsing, --help and the mapping onto the
// pipeline document in flags.cpp are all derived from these rows, so adding a flag means adding a row.
#include "core/app/flags.h"

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
     "override it. Without it, the metrics-server pipeline runs; with neither --kubeconfig nor an in-cluster "
     "environment, standalone mode serves this machine on 127.0.0.1:4443 (deploy/config/standalone.yaml)."},
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
     "No effect: CORS headers are not served (browsers are not clients of this API); accepted for compatibility."},
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
     "No effect: no Strict-Transport-Security header is sent; accepted for compatibility."},

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
    {kKubelet, "node-selector", 'l', K::kString, "", T::kKubeletSourcesAndMetricsApiSinks, "node_selector",
     "Label selector of the nodes to scrape and serve; supports '=', '==' and '!=' (e.g. -l "
     "key1=value1,key2!=value2)."},

    {kServing, "bind-address", 0, K::kIp, "0.0.0.0", T::kMetricsApiSinks, "",
     "The IP address on which to listen for the --secure-port port. Blank or unspecified (0.0.0.0 or ::) means "
     "all interfaces."},
    {kServing, "cert-dir", 0, K::kString, "apiserver.local.config/certificates", T::kMetricsApiSinks, "",
     "The directory of the serving certificate when --tls-cert-file and --tls-private-key-file are not given; "
     "a self-signed pair is generated there if missing."},
    {kServing, "disable-http2-serving", 0, K::kBool, "", T::kMetricsApiSinks, "",
     "No effect: HTTP/2 is never served (clients fall back to HTTP/1.1); accepted for compatibility."},
    {kServing, "http2-max-streams-per-connection", 0, K::kInt, "", T::kMetricsApiSinks, "",
     "No effect: HTTP/2 is never served; accepted for compatibility."},
    {kServing, "permit-address-sharing", 0, K::kBool, "", T::kMetricsApiSinks, "",
     "No effect: the listener always binds with SO_REUSEADDR, so a restart never waits for TIME_WAIT sockets."},
    {kServing, "permit-port-sharing", 0, K::kBool, "", T::kMetricsApiSinks, "",
     "No effect: SO_REUSEPORT is not used; accepted for compatibility."},
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
     "No effect: SNI certificates are not supported (--tls-cert-file serves every name); accepted for "
     "compatibility."},

    {kAuthn, "authentication-kubeconfig", 0, K::kString, "", T::kMetricsApiSinks, "",
     "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create "
     "tokenreviews.authentication.k8s.io. Empty: --kubeconfig, else the in-cluster service account."},
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
     "subjectaccessreviews.authorization.k8s.io. Empty: --kubeconfig, else the in-cluster service account."},
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

}  // namespace

std::span<const FlagSpec> flag_table() { return kFlags; }

}  // namespace mpf::core
