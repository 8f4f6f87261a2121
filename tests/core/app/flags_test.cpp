#include "core/app/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace mpf::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Result<CommandLine> parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"metrics-server"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

CommandLine parse_ok(const std::vector<std::string>& args) {
  auto result = parse(args);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return result.is_ok() ? std::move(result).value() : CommandLine{};
}

std::string parse_error(const std::vector<std::string>& args) {
  auto result = parse(args);
  EXPECT_FALSE(result.is_ok());
  if (result.is_ok()) return "";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  return result.status().message();
}

// The value at a path like "sources[0].options.port", or nullptr.
const ConfigValue* at(const ConfigValue& root, std::string_view path) {
  const ConfigValue* node = &root;
  while (!path.empty() && node != nullptr) {
    std::size_t end = path.find_first_of(".[");
    if (end == 0 && path[0] == '[') {
      std::size_t close = path.find(']');
      std::size_t index = std::stoul(std::string(path.substr(1, close - 1)));
      node = index < node->items().size() ? &node->items()[index] : nullptr;
      path.remove_prefix(close + 1);
    } else {
      node = node->find(path.substr(0, end));
      path.remove_prefix(end == std::string_view::npos ? path.size() : end);
    }
    if (!path.empty() && path[0] == '.') path.remove_prefix(1);
  }
  return node;
}

std::string text_at(const ConfigValue& root, std::string_view path) {
  const ConfigValue* v = at(root, path);
  return v != nullptr && v->is_scalar() ? v->text() : "<missing " + std::string(path) + ">";
}

std::vector<std::string> list_at(const ConfigValue& root, std::string_view path) {
  std::vector<std::string> out;
  if (const ConfigValue* v = at(root, path)) {
    for (const auto& item : v->items()) out.push_back(item.text());
  }
  return out;
}

ConfigValue apply(const std::vector<std::string>& args, ConfigValue document = default_metrics_server_document(),
                  std::vector<std::string>* warnings_out = nullptr) {
  CommandLine cl = parse_ok(args);
  std::vector<std::string> warnings;
  apply_flags(cl, document, warnings);
  if (warnings_out != nullptr) {
    *warnings_out = warnings;
  } else {
    EXPECT_THAT(warnings, IsEmpty());
  }
  return document;
}

// A valid value of each kind, and what the document holds for it.
std::string sample_value(FlagKind kind) {
  switch (kind) {
    case FlagKind::kBool: return "true";
    case FlagKind::kInt: return "42";
    case FlagKind::kLevel: return "3";
    case FlagKind::kFloat: return "0.5";
    case FlagKind::kFloat32: return "2.5";
    case FlagKind::kDuration: return "15s";
    case FlagKind::kString: return "some/value";
    case FlagKind::kLogFormat: return "json";
    case FlagKind::kIp: return "10.0.0.1";
    case FlagKind::kStrings: return "a,b";
    case FlagKind::kInt32Slice: return "23,29";
    case FlagKind::kNamedCertKey: return "a.crt,a.key:*.example.com";
    case FlagKind::kQuantity: return "1Mi";
    case FlagKind::kFeatureGates: return "kube:SomeGate=true";
    case FlagKind::kVmodule: return "scraper=4";
  }
  return "";
}

bool is_list(FlagKind kind) {
  return kind == FlagKind::kStrings || kind == FlagKind::kInt32Slice || kind == FlagKind::kNamedCertKey;
}

// ---- the table ----

TEST(FlagTableTest, NamesAndShorthandsAreUnique) {
  std::set<std::string_view> names;
  std::set<char> shorthands;
  for (const auto& spec : flag_table()) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    if (spec.shorthand != 0) {
      EXPECT_TRUE(shorthands.insert(spec.shorthand).second) << spec.shorthand;
    }
    EXPECT_FALSE(spec.help.empty()) << spec.name;
    EXPECT_EQ(find_flag(spec.name), &spec);
  }
  EXPECT_EQ(find_flag("no-such-flag"), nullptr);
}

TEST(FlagTableTest, HasEveryMetricsServerFlag) {
  // docs/command-line-flags.txt of metrics-server v0.9.0, in its order.
  const char* expected[] = {"kubeconfig",
                            "metric-resolution",
                            "version",
                            "advertise-address",
                            "cors-allowed-origins",
                            "emulated-version",
                            "emulation-forward-compatible",
                            "external-hostname",
                            "feature-gates",
                            "goaway-chance",
                            "livez-grace-period",
                            "max-mutating-requests-inflight",
                            "max-requests-inflight",
                            "min-compatibility-version",
                            "min-request-timeout",
                            "request-timeout",
                            "runtime-config-emulation-forward-compatible",
                            "shutdown-delay-duration",
                            "shutdown-send-retry-after",
                            "shutdown-watch-termination-grace-period",
                            "storage-initialization-timeout",
                            "strict-transport-security-directives",
                            "deprecated-kubelet-completely-insecure",
                            "kubelet-certificate-authority",
                            "kubelet-client-certificate",
                            "kubelet-client-key",
                            "kubelet-insecure-tls",
                            "kubelet-port",
                            "kubelet-preferred-address-types",
                            "kubelet-request-timeout",
                            "kubelet-use-node-status-port",
                            "node-selector",
                            "bind-address",
                            "cert-dir",
                            "disable-http2-serving",
                            "http2-max-streams-per-connection",
                            "permit-address-sharing",
                            "permit-port-sharing",
                            "secure-port",
                            "tls-cert-file",
                            "tls-cipher-suites",
                            "tls-curve-preferences",
                            "tls-min-version",
                            "tls-private-key-file",
                            "tls-sni-cert-key",
                            "authentication-kubeconfig",
                            "authentication-skip-lookup",
                            "authentication-token-webhook-cache-ttl",
                            "authentication-tolerate-lookup-failure",
                            "client-ca-file",
                            "requestheader-allowed-names",
                            "requestheader-client-ca-file",
                            "requestheader-extra-headers-prefix",
                            "requestheader-group-headers",
                            "requestheader-uid-headers",
                            "requestheader-username-headers",
                            "authorization-always-allow-paths",
                            "authorization-kubeconfig",
                            "authorization-webhook-cache-authorized-ttl",
                            "authorization-webhook-cache-unauthorized-ttl",
                            "audit-log-batch-buffer-size",
                            "audit-log-batch-max-size",
                            "audit-log-batch-max-wait",
                            "audit-log-batch-throttle-burst",
                            "audit-log-batch-throttle-enable",
                            "audit-log-batch-throttle-qps",
                            "audit-log-compress",
                            "audit-log-format",
                            "audit-log-maxage",
                            "audit-log-maxbackup",
                            "audit-log-maxsize",
                            "audit-log-mode",
                            "audit-log-path",
                            "audit-log-truncate-enabled",
                            "audit-log-truncate-max-batch-size",
                            "audit-log-truncate-max-event-size",
                            "audit-log-version",
                            "audit-policy-file",
                            "audit-webhook-batch-buffer-size",
                            "audit-webhook-batch-max-size",
                            "audit-webhook-batch-max-wait",
                            "audit-webhook-batch-throttle-burst",
                            "audit-webhook-batch-throttle-enable",
                            "audit-webhook-batch-throttle-qps",
                            "audit-webhook-config-file",
                            "audit-webhook-initial-backoff",
                            "audit-webhook-mode",
                            "audit-webhook-truncate-enabled",
                            "audit-webhook-truncate-max-batch-size",
                            "audit-webhook-truncate-max-event-size",
                            "audit-webhook-version",
                            "contention-profiling",
                            "debug-socket-path",
                            "enable-priority-and-fairness",
                            "profiling",
                            "log-flush-frequency",
                            "log-json-info-buffer-size",
                            "log-json-split-stream",
                            "log-text-info-buffer-size",
                            "log-text-split-stream",
                            "logging-format",
                            "v",
                            "vmodule"};
  for (const char* name : expected) EXPECT_NE(find_flag(name), nullptr) << name;
  EXPECT_EQ(find_flag("node-selector")->shorthand, 'l');
  EXPECT_EQ(find_flag("v")->shorthand, 'v');
  EXPECT_EQ(find_flag("help")->shorthand, 'h');
}

TEST(FlagTableTest, EveryFlagParsesInBothLongForms) {
  for (const auto& spec : flag_table()) {
    std::string name = "--" + std::string(spec.name);
    std::string value = sample_value(spec.kind);
    std::vector<std::vector<std::string>> forms = {{name + "=" + value}};
    if (spec.kind == FlagKind::kBool) {
      forms.push_back({name});
    } else {
      forms.push_back({name, value});
    }
    for (const auto& args : forms) {
      auto result = parse(args);
      ASSERT_TRUE(result.is_ok()) << args[0] << ": " << result.status().message();
      ASSERT_EQ(result->given.size(), 1u) << args[0];
      EXPECT_EQ(result->given[0].spec, &spec);
      EXPECT_EQ(result->given[0].value.is_list(), is_list(spec.kind)) << args[0];
      EXPECT_THAT(result->arguments, IsEmpty()) << args[0];
    }
  }
}

TEST(FlagTableTest, EveryDefaultShownInHelpIsAValidValue) {
  for (const auto& spec : flag_table()) {
    std::string text(spec.default_text);
    if (text.empty()) continue;
    if (is_list(spec.kind)) {
      ASSERT_TRUE(text.front() == '[' && text.back() == ']') << spec.name;
      text = text.substr(1, text.size() - 2);
      if (text.empty()) continue;
    }
    auto result = parse({"--" + std::string(spec.name) + "=" + text});
    EXPECT_TRUE(result.is_ok()) << spec.name << ": " << result.status().message();
  }
}

TEST(FlagTableTest, EveryMappedFlagLandsAtItsDocumentPath) {
  for (const auto& spec : flag_table()) {
    std::string value = sample_value(spec.kind);
    CommandLine cl = parse_ok({"--" + std::string(spec.name) + "=" + value});
    ConfigValue document = default_metrics_server_document();
    std::vector<std::string> warnings;
    apply_flags(cl, document, warnings);
    EXPECT_THAT(warnings, IsEmpty()) << spec.name;
    const ConfigValue& expected = cl.given[0].value;
    std::string key = flag_key(spec);
    std::vector<std::string> paths;
    switch (spec.target) {
      case FlagTarget::kAction:
      case FlagTarget::kIgnored:
        if (spec.target == FlagTarget::kIgnored) {
          EXPECT_THAT(cl.ignored_flags, ElementsAre("--" + std::string(spec.name)));
        }
        EXPECT_EQ(document, default_metrics_server_document()) << spec.name;
        continue;
      case FlagTarget::kGlobal: paths = {"global." + key}; break;
      case FlagTarget::kKubeletSources: paths = {"sources[0].options." + key}; break;
      case FlagTarget::kMetricsApiSinks: paths = {"sinks[0].options." + key}; break;
      case FlagTarget::kKubeletSourcesAndMetricsApiSinks:
        paths = {"sources[0].options." + key, "sinks[0].options." + key};
        break;
    }
    for (const auto& path : paths) {
      const ConfigValue* got = at(document, path);
      ASSERT_NE(got, nullptr) << spec.name << " -> " << path;
      EXPECT_EQ(*got, expected) << spec.name << " -> " << path;
    }
    EXPECT_THAT(cl.ignored_flags, IsEmpty()) << spec.name;
  }
}

// ---- mapping ----

TEST(FlagMappingTest, NamedDocumentPaths) {
  struct Case {
    std::vector<std::string> args;
    std::string path;
    std::string value;
  } cases[] = {
      {{"--metric-resolution=15s"}, "global.resolution", "15s"},
      {{"--kubelet-request-timeout=5s"}, "global.scrape_timeout", "5s"},
      {{"-v=4"}, "global.log_verbosity", "4"},
      {{"--logging-format=json"}, "global.log_format", "json"},
      {{"--plugin-dir=/opt/mpf/plugins"}, "global.plugin_dir", "/opt/mpf/plugins"},
      {{"--kubelet-port=10255"}, "sources[0].options.port", "10255"},
      {{"--kubelet-use-node-status-port"}, "sources[0].options.use_node_status_port", "true"},
      {{"--kubelet-insecure-tls"}, "sources[0].options.insecure_tls", "true"},
      {{"--kubelet-certificate-authority=/ca.crt"}, "sources[0].options.ca_file", "/ca.crt"},
      {{"--kubelet-client-certificate=/c.crt"}, "sources[0].options.client_certificate_file", "/c.crt"},
      {{"--kubelet-client-key=/c.key"}, "sources[0].options.client_key_file", "/c.key"},
      {{"--deprecated-kubelet-completely-insecure"}, "sources[0].options.plain_http", "true"},
      {{"-l", "app=x"}, "sources[0].options.node_selector", "app=x"},
      {{"--node-selector=app!=x"}, "sources[0].options.node_selector", "app!=x"},
      {{"--kubeconfig=/k"}, "sources[0].options.kubeconfig", "/k"},
      {{"--kubeconfig=/k"}, "sinks[0].options.kubeconfig", "/k"},
      {{"--secure-port=10250"}, "sinks[0].options.secure_port", "10250"},
      {{"--bind-address=::"}, "sinks[0].options.bind_address", "::"},
      {{"--cert-dir=/tmp"}, "sinks[0].options.cert_dir", "/tmp"},
      {{"--tls-cert-file=/s.crt"}, "sinks[0].options.tls_cert_file", "/s.crt"},
      {{"--tls-private-key-file=/s.key"}, "sinks[0].options.tls_private_key_file", "/s.key"},
      {{"--tls-min-version=VersionTLS13"}, "sinks[0].options.tls_min_version", "VersionTLS13"},
      {{"--client-ca-file=/ca"}, "sinks[0].options.client_ca_file", "/ca"},
      {{"--requestheader-client-ca-file=/fp"}, "sinks[0].options.requestheader_client_ca_file", "/fp"},
      {{"--authentication-skip-lookup"}, "sinks[0].options.authentication_skip_lookup", "true"},
      {{"--authorization-webhook-cache-authorized-ttl=1m"},
       "sinks[0].options.authorization_webhook_cache_authorized_ttl",
       "1m0s"},
      {{"--max-requests-inflight=10"}, "sinks[0].options.max_requests_inflight", "10"},
      {{"--request-timeout=30s"}, "sinks[0].options.request_timeout", "30s"},
      {{"--disable-http2-serving"}, "sinks[0].options.disable_http2_serving", "true"},
  };
  for (const auto& c : cases) {
    ConfigValue document = apply(c.args);
    EXPECT_EQ(text_at(document, c.path), c.value) << c.args[0];
  }
}

TEST(FlagMappingTest, ListFlagsBecomeLists) {
  ConfigValue document = apply({"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                                "--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics",
                                "--requestheader-allowed-names=front-proxy-client", "--tls-sni-cert-key=a.crt,a.key",
                                "--tls-sni-cert-key=b.crt,b.key:b.example.com"});
  EXPECT_THAT(list_at(document, "sources[0].options.preferred_address_types"),
              ElementsAre("InternalIP", "ExternalIP", "Hostname"));
  EXPECT_THAT(list_at(document, "sinks[0].options.authorization_always_allow_paths"),
              ElementsAre("/healthz", "/readyz", "/livez", "/metrics"));
  EXPECT_THAT(list_at(document, "sinks[0].options.requestheader_allowed_names"), ElementsAre("front-proxy-client"));
  EXPECT_THAT(list_at(document, "sinks[0].options.tls_sni_cert_key"),
              ElementsAre("a.crt,a.key", "b.crt,b.key:b.example.com"));
}

TEST(FlagMappingTest, DefaultDocumentIsTheMetricsServerPipeline) {
  ConfigValue document = default_metrics_server_document();
  ASSERT_TRUE(document.is_map());
  ASSERT_EQ(document.entries().size(), 3u);
  EXPECT_EQ(document.entries()[0].first, "sources");
  EXPECT_EQ(document.entries()[1].first, "processors");
  EXPECT_EQ(document.entries()[2].first, "sinks");
  EXPECT_EQ(text_at(document, "sources[0].plugin"), "kubelet_resource");
  EXPECT_EQ(at(document, "sources")->items().size(), 1u);
  EXPECT_EQ(text_at(document, "sinks[0].plugin"), "metrics_api");
  EXPECT_EQ(at(document, "sinks")->items().size(), 1u);
  ASSERT_EQ(at(document, "processors")->items().size(), kMetricsServerDefaultProcessors.size());
  for (std::size_t i = 0; i < kMetricsServerDefaultProcessors.size(); ++i) {
    EXPECT_EQ(at(document, "processors")->items()[i].find("plugin")->text(), kMetricsServerDefaultProcessors[i]);
  }
  EXPECT_EQ(text_at(document, "processors[0].plugin"), "rates");
}

TEST(FlagMappingTest, NoFlagsLeaveTheDocumentUntouched) { EXPECT_EQ(apply({}), default_metrics_server_document()); }

TEST(FlagMappingTest, OnlyGivenFlagsAreWritten) {
  ConfigValue document = apply({"--kubelet-port=10250"});
  const ConfigValue* options = at(document, "sources[0].options");
  ASSERT_NE(options, nullptr);
  ASSERT_EQ(options->entries().size(), 1u);
  EXPECT_EQ(options->entries()[0].first, "port");
  EXPECT_EQ(at(document, "global"), nullptr);
  EXPECT_EQ(at(document, "sinks[0].options"), nullptr);
}

TEST(FlagMappingTest, ShippedManifestArguments) {
  // manifests/base/deployment.yaml of metrics-server v0.9.0, plus the test overlay's flags.
  ConfigValue document = apply(
      {"--cert-dir=/tmp", "--secure-port=10250", "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
       "--kubelet-use-node-status-port", "--metric-resolution=15s", "--kubelet-insecure-tls", "--v=4"});
  ConfigValue expected = ConfigValue::map();
  ConfigValue& global = expected.set("global", ConfigValue::map());
  global.set("resolution", ConfigValue::scalar("15s"));
  global.set("log_verbosity", ConfigValue::scalar("4"));
  ConfigValue source = ConfigValue::map();
  source.set("plugin", ConfigValue::scalar("kubelet_resource"));
  ConfigValue& source_options = source.set("options", ConfigValue::map());
  ConfigValue types = ConfigValue::list();
  for (const char* t : {"InternalIP", "ExternalIP", "Hostname"}) types.push_back(ConfigValue::scalar(t));
  source_options.set("preferred_address_types", types);
  source_options.set("use_node_status_port", ConfigValue::scalar("true"));
  source_options.set("insecure_tls", ConfigValue::scalar("true"));
  expected.set("sources", ConfigValue::list()).push_back(source);
  ConfigValue processor = ConfigValue::map();
  processor.set("plugin", ConfigValue::scalar("rates"));
  expected.set("processors", ConfigValue::list()).push_back(processor);
  ConfigValue sink = ConfigValue::map();
  sink.set("plugin", ConfigValue::scalar("metrics_api"));
  ConfigValue& sink_options = sink.set("options", ConfigValue::map());
  sink_options.set("cert_dir", ConfigValue::scalar("/tmp"));
  sink_options.set("secure_port", ConfigValue::scalar("10250"));
  expected.set("sinks", ConfigValue::list()).push_back(sink);
  EXPECT_EQ(document, expected);
}

ConfigValue file_document() {
  // global: {resolution: 30s, log_format: json}
  // sources: [kubelet_resource {port: 1, insecure_tls: false}, prometheus, kubelet_summary (no options)]
  // sinks: [remote_write {url: x}, metrics_api {secure_port: 1}]
  ConfigValue document = ConfigValue::map();
  ConfigValue& global = document.set("global", ConfigValue::map());
  global.set("resolution", ConfigValue::scalar("30s"));
  global.set("log_format", ConfigValue::scalar("json"));
  ConfigValue& sources = document.set("sources", ConfigValue::list());
  ConfigValue& kubelet = sources.push_back(ConfigValue::map());
  kubelet.set("plugin", ConfigValue::scalar("kubelet_resource"));
  kubelet.set("name", ConfigValue::scalar("main"));
  ConfigValue& kubelet_options = kubelet.set("options", ConfigValue::map());
  kubelet_options.set("port", ConfigValue::scalar("1"));
  kubelet_options.set("insecure_tls", ConfigValue::scalar("false"));
  sources.push_back(ConfigValue::map()).set("plugin", ConfigValue::scalar("prometheus"));
  sources.push_back(ConfigValue::map()).set("plugin", ConfigValue::scalar("kubelet_summary"));
  ConfigValue& sinks = document.set("sinks", ConfigValue::list());
  ConfigValue& remote = sinks.push_back(ConfigValue::map());
  remote.set("plugin", ConfigValue::scalar("remote_write"));
  remote.set("options", ConfigValue::map()).set("url", ConfigValue::scalar("http://x"));
  ConfigValue& api = sinks.push_back(ConfigValue::map());
  api.set("plugin", ConfigValue::scalar("metrics_api"));
  api.set("options", ConfigValue::map()).set("secure_port", ConfigValue::scalar("1"));
  return document;
}

TEST(FlagMappingTest, FlagsOverrideAFileDocumentOnEveryMatchingEntry) {
  ConfigValue document = apply(
      {"--kubelet-port=10255", "--secure-port=4443", "--metric-resolution=15s", "--kubeconfig=/k"}, file_document());
  EXPECT_EQ(text_at(document, "global.resolution"), "15s");
  EXPECT_EQ(text_at(document, "global.log_format"), "json");
  EXPECT_EQ(document.entries()[0].first, "global");
  // Both kubelet sources, not the prometheus one; existing options kept, in place.
  EXPECT_EQ(text_at(document, "sources[0].name"), "main");
  ASSERT_EQ(at(document, "sources[0].options")->entries().size(), 3u);
  EXPECT_EQ(at(document, "sources[0].options")->entries()[0].first, "port");
  EXPECT_EQ(text_at(document, "sources[0].options.port"), "10255");
  EXPECT_EQ(text_at(document, "sources[0].options.insecure_tls"), "false");
  EXPECT_EQ(text_at(document, "sources[0].options.kubeconfig"), "/k");
  EXPECT_EQ(at(document, "sources[1].options"), nullptr);
  EXPECT_EQ(text_at(document, "sources[1].plugin"), "prometheus");
  EXPECT_EQ(text_at(document, "sources[2].options.port"), "10255");
  EXPECT_EQ(text_at(document, "sources[2].options.kubeconfig"), "/k");
  // Only the metrics_api sink.
  EXPECT_EQ(at(document, "sinks[0].options")->entries().size(), 1u);
  EXPECT_EQ(text_at(document, "sinks[0].options.url"), "http://x");
  EXPECT_EQ(text_at(document, "sinks[1].options.secure_port"), "4443");
  EXPECT_EQ(text_at(document, "sinks[1].options.kubeconfig"), "/k");
}

TEST(FlagMappingTest, NewGlobalSectionGoesFirst) {
  ConfigValue document = apply({"--metric-resolution=20s"});
  ASSERT_EQ(document.entries().size(), 4u);
  EXPECT_EQ(document.entries()[0].first, "global");
  EXPECT_EQ(document.entries()[1].first, "sources");
  EXPECT_EQ(text_at(document, "global.resolution"), "20s");
}

TEST(FlagMappingTest, WarnsWhenAFlagHasNowhereToGo) {
  ConfigValue document = ConfigValue::map();
  document.set("sources", ConfigValue::list())
      .push_back(ConfigValue::map())
      .set("plugin", ConfigValue::scalar("prometheus"));
  document.set("sinks", ConfigValue::list()).push_back(ConfigValue::map()).set("plugin", ConfigValue::scalar("stdout"));
  ConfigValue original = document;
  std::vector<std::string> warnings;
  ConfigValue result = apply({"--kubelet-port=1", "-l", "a=b", "--secure-port=1", "--kubeconfig=/k", "--profiling"},
                             document, &warnings);
  EXPECT_THAT(warnings, ElementsAre("--kubelet-port has no effect: the config has no kubelet source",
                                    "--node-selector has no effect: the config has no kubelet source and no "
                                    "metrics_api sink",
                                    "--secure-port has no effect: the config has no metrics_api sink",
                                    "--kubeconfig has no effect: the config has no kubelet source and no "
                                    "metrics_api sink"));
  EXPECT_EQ(result, original);
}

TEST(FlagMappingTest, KubeconfigWithOnlyOneSideIsNotAWarning) {
  ConfigValue document = ConfigValue::map();
  document.set("sources", ConfigValue::list())
      .push_back(ConfigValue::map())
      .set("plugin", ConfigValue::scalar("kubelet_resource"));
  ConfigValue result = apply({"--kubeconfig=/k"}, document);
  EXPECT_EQ(text_at(result, "sources[0].options.kubeconfig"), "/k");
}

TEST(FlagMappingTest, OptionsThatAreNotAMapAreReportedNotReplaced) {
  ConfigValue document = default_metrics_server_document();
  ConfigValue sources = ConfigValue::list();
  ConfigValue entry = ConfigValue::map();
  entry.set("plugin", ConfigValue::scalar("kubelet_resource"));
  entry.set("options", ConfigValue::scalar("oops"));
  sources.push_back(entry);
  document.set("sources", sources);
  std::vector<std::string> warnings;
  ConfigValue result = apply({"--kubelet-port=1"}, document, &warnings);
  EXPECT_THAT(warnings, ElementsAre("--kubelet-port not applied to sources[0]: its options are not a map"));
  EXPECT_EQ(text_at(result, "sources[0].options"), "oops");
}

TEST(FlagMappingTest, NullOptionsAndEmptyDocumentAreFilledIn) {
  ConfigValue document = default_metrics_server_document();
  ConfigValue sources = ConfigValue::list();
  ConfigValue entry = ConfigValue::map();
  entry.set("plugin", ConfigValue::scalar("kubelet_resource"));
  entry.set("options", ConfigValue());
  sources.push_back(entry);
  document.set("sources", sources);
  EXPECT_EQ(text_at(apply({"--kubelet-port=1"}, document), "sources[0].options.port"), "1");

  ConfigValue empty;
  ConfigValue filled = apply({"-v", "2"}, empty);
  EXPECT_EQ(text_at(filled, "global.log_verbosity"), "2");
}

TEST(FlagMappingTest, IgnoredFlagsAreListedOnceInOrder) {
  CommandLine cl = parse_ok({"--profiling=false", "--audit-log-path=-", "--feature-gates=A=true", "--profiling",
                             "--vmodule=x=2", "--kubelet-port=1"});
  EXPECT_THAT(cl.ignored_flags, ElementsAre("--profiling", "--audit-log-path", "--feature-gates", "--vmodule"));
  ConfigValue document = default_metrics_server_document();
  std::vector<std::string> warnings;
  apply_flags(cl, document, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(at(document, "sinks[0].options"), nullptr);
}

// ---- syntax ----

TEST(FlagSyntaxTest, ValueForms) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--kubelet-port=10255"},
                                                                {"--kubelet-port", "10255"},
                                                                {"-kubelet-port=10255"},
                                                                {"-kubelet-port", "10255"}}) {
    CommandLine cl = parse_ok(args);
    ASSERT_NE(cl.find("kubelet-port"), nullptr) << args[0];
    EXPECT_EQ(cl.find("kubelet-port")->value.text(), "10255") << args[0];
  }
}

TEST(FlagSyntaxTest, Verbosity) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"-v=4"}, {"-v", "4"}, {"-v4"}, {"--v=4"}, {"--v", "4"}}) {
    CommandLine cl = parse_ok(args);
    ASSERT_NE(cl.find("v"), nullptr) << args[0];
    EXPECT_EQ(cl.find("v")->value.text(), "4") << args[0];
  }
}

TEST(FlagSyntaxTest, NodeSelector) {
  for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-l", "app=x"}, "app=x"},
           {{"-l=app=x"}, "app=x"},
           {{"-lapp=x"}, "app=x"},
           {{"--node-selector=app!=x"}, "app!=x"},
           {{"--node-selector", "app!=x,tier==web"}, "app!=x,tier==web"}}) {
    CommandLine cl = parse_ok(args);
    ASSERT_NE(cl.find("node-selector"), nullptr) << args[0];
    EXPECT_EQ(cl.find("node-selector")->value.text(), expected) << args[0];
  }
}

TEST(FlagSyntaxTest, Booleans) {
  auto value = [](const std::vector<std::string>& args) {
    CommandLine cl = parse_ok(args);
    const ExplicitFlag* f = cl.find("kubelet-insecure-tls");
    return f != nullptr ? f->value.text() : "<absent>";
  };
  EXPECT_EQ(value({"--kubelet-insecure-tls"}), "true");
  EXPECT_EQ(value({"--kubelet-insecure-tls=true"}), "true");
  EXPECT_EQ(value({"--kubelet-insecure-tls=false"}), "false");
  EXPECT_EQ(value({"--kubelet-insecure-tls=1"}), "true");
  EXPECT_EQ(value({"--kubelet-insecure-tls=F"}), "false");
  EXPECT_EQ(value({"--kubelet-insecure-tls=True"}), "true");
  // As in pflag, a boolean never takes the next argument: "false" is positional here.
  CommandLine cl = parse_ok({"--kubelet-insecure-tls", "false"});
  EXPECT_EQ(cl.find("kubelet-insecure-tls")->value.text(), "true");
  EXPECT_THAT(cl.arguments, ElementsAre("false"));
}

TEST(FlagSyntaxTest, ShorthandRuns) {
  CommandLine cl = parse_ok({"-hv3"});
  EXPECT_TRUE(cl.help);
  EXPECT_EQ(cl.find("v")->value.text(), "3");
}

TEST(FlagSyntaxTest, ListsAppendAndUseCsv) {
  CommandLine cl = parse_ok({"--kubelet-preferred-address-types=InternalIP", "--kubelet-preferred-address-types",
                             "ExternalIP,Hostname", "--tls-cipher-suites=\"a,b\",c,\"d\"\"e\"",
                             "--requestheader-allowed-names=", "--tls-curve-preferences=23,0x1d"});
  auto items = [&](std::string_view name) {
    std::vector<std::string> out;
    for (const auto& item : cl.find(name)->value.items()) out.push_back(item.text());
    return out;
  };
  EXPECT_THAT(items("kubelet-preferred-address-types"), ElementsAre("InternalIP", "ExternalIP", "Hostname"));
  EXPECT_THAT(items("tls-cipher-suites"), ElementsAre("a,b", "c", "d\"e"));
  EXPECT_TRUE(cl.find("requestheader-allowed-names")->value.is_list());
  EXPECT_THAT(items("requestheader-allowed-names"), IsEmpty());
  EXPECT_THAT(items("tls-curve-preferences"), ElementsAre("23", "29"));
  EXPECT_EQ(cl.given.size(), 4u);  // one entry per flag, however often it was given
}

TEST(FlagSyntaxTest, RepeatedScalarsKeepTheLastValue) {
  CommandLine cl = parse_ok({"--kubelet-port=1", "--secure-port=2", "--kubelet-port=3"});
  ASSERT_EQ(cl.given.size(), 2u);
  EXPECT_EQ(cl.given[0].spec->name, "kubelet-port");
  EXPECT_EQ(cl.given[0].value.text(), "3");
  EXPECT_EQ(cl.given[1].spec->name, "secure-port");
}

TEST(FlagSyntaxTest, DurationsAreGoSyntaxAndNormalised) {
  auto resolution = [](const std::string& text) {
    return parse_ok({"--metric-resolution=" + text}).find("metric-resolution")->value.text();
  };
  EXPECT_EQ(resolution("15s"), "15s");
  EXPECT_EQ(resolution("90s"), "1m30s");
  EXPECT_EQ(resolution("1m30s"), "1m30s");
  EXPECT_EQ(resolution("0.5m"), "30s");
  EXPECT_EQ(resolution("1h"), "1h0m0s");
  EXPECT_EQ(resolution("500ms"), "500ms");
  EXPECT_EQ(resolution("0"), "0s");
}

TEST(FlagSyntaxTest, IntegersUseGoBasePrefixes) {
  auto port = [](const std::string& text) {
    return parse_ok({"--secure-port=" + text}).find("secure-port")->value.text();
  };
  EXPECT_EQ(port("4443"), "4443");
  EXPECT_EQ(port("+4443"), "4443");
  EXPECT_EQ(port("0x1f90"), "8080");
  EXPECT_EQ(port("0o17"), "15");
  EXPECT_EQ(port("017"), "15");
  EXPECT_EQ(port("0b101"), "5");
  EXPECT_EQ(port("10_250"), "10250");
  EXPECT_EQ(port("-1"), "-1");
  EXPECT_EQ(port("0"), "0");
  EXPECT_EQ(port("-9223372036854775808"), "-9223372036854775808");
}

TEST(FlagSyntaxTest, IpAddresses) {
  EXPECT_EQ(parse_ok({"--bind-address=::1"}).find("bind-address")->value.text(), "::1");
  EXPECT_EQ(parse_ok({"--bind-address= 10.0.0.1 "}).find("bind-address")->value.text(), "10.0.0.1");
  EXPECT_EQ(parse_ok({"--bind-address="}).find("bind-address")->value.text(), "");
}

TEST(FlagSyntaxTest, PositionalArgumentsAndDoubleDash) {
  CommandLine cl = parse_ok({"stray", "--kubelet-port=1", "-", "--", "--secure-port=2", "-v"});
  EXPECT_THAT(cl.arguments, ElementsAre("stray", "-", "--secure-port=2", "-v"));
  EXPECT_EQ(cl.given.size(), 1u);
}

TEST(FlagSyntaxTest, ActionFlags) {
  CommandLine cl = parse_ok({"--config=/etc/mpf.yaml", "--describe-plugin", "kubelet_resource", "--list-plugins",
                             "--print-config", "--validate-config", "--version", "--help"});
  EXPECT_EQ(cl.config_file, "/etc/mpf.yaml");
  EXPECT_EQ(cl.describe_plugin, "kubelet_resource");
  EXPECT_TRUE(cl.list_plugins);
  EXPECT_TRUE(cl.print_config);
  EXPECT_TRUE(cl.validate_config);
  EXPECT_TRUE(cl.version);
  EXPECT_TRUE(cl.help);
  CommandLine none = parse_ok({});
  EXPECT_FALSE(none.config_file.has_value());
  EXPECT_FALSE(none.describe_plugin.has_value());
  EXPECT_FALSE(none.help || none.version || none.list_plugins || none.print_config || none.validate_config);
  EXPECT_TRUE(parse_ok({"-h"}).help);
  EXPECT_FALSE(parse_ok({"--help=false"}).help);
  EXPECT_TRUE(parse_ok({"-version"}).version);
}

// ---- errors ----

TEST(FlagErrorTest, UnknownFlags) {
  EXPECT_EQ(parse_error({"--foo"}), "unknown flag: --foo");
  EXPECT_EQ(parse_error({"--foo=bar"}), "unknown flag: --foo");
  EXPECT_EQ(parse_error({"--logtostderr"}), "unknown flag: --logtostderr");
  EXPECT_EQ(parse_error({"-x"}), "unknown shorthand flag: 'x' in -x");
  EXPECT_EQ(parse_error({"-foo=1"}), "unknown shorthand flag: 'f' in -foo=1");
  EXPECT_EQ(parse_error({"-vx"}),
            "invalid argument \"x\" for \"-v, --v\" flag: strconv.ParseInt: parsing \"x\": "
            "invalid syntax");
  EXPECT_EQ(parse_error({"---x"}), "bad flag syntax: ---x");
  EXPECT_EQ(parse_error({"--=x"}), "bad flag syntax: --=x");
}

TEST(FlagErrorTest, MissingArguments) {
  EXPECT_EQ(parse_error({"--kubelet-port"}), "flag needs an argument: --kubelet-port");
  EXPECT_EQ(parse_error({"-l"}), "flag needs an argument: 'l' in -l");
  EXPECT_EQ(parse_error({"--config"}), "flag needs an argument: --config");
}

TEST(FlagErrorTest, BadValues) {
  EXPECT_EQ(parse_error({"--metric-resolution=abc"}),
            "invalid argument \"abc\" for \"--metric-resolution\" flag: time: invalid duration \"abc\"");
  EXPECT_EQ(parse_error({"--metric-resolution", "15"}),
            "invalid argument \"15\" for \"--metric-resolution\" flag: time: invalid duration \"15\"");
  EXPECT_EQ(parse_error({"--kubelet-port=abc"}),
            "invalid argument \"abc\" for \"--kubelet-port\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax");
  EXPECT_EQ(parse_error({"--kubelet-port=99999999999999999999"}),
            "invalid argument \"99999999999999999999\" for \"--kubelet-port\" flag: strconv.ParseInt: parsing "
            "\"99999999999999999999\": value out of range");
  EXPECT_EQ(
      parse_error({"--kubelet-port=1__0"}),
      "invalid argument \"1__0\" for \"--kubelet-port\" flag: strconv.ParseInt: parsing \"1__0\": invalid syntax");
  EXPECT_EQ(parse_error({"-v=x"}),
            "invalid argument \"x\" for \"-v, --v\" flag: strconv.ParseInt: parsing \"x\": invalid syntax");
  EXPECT_EQ(parse_error({"-v=0x1"}),
            "invalid argument \"0x1\" for \"-v, --v\" flag: strconv.ParseInt: parsing \"0x1\": invalid syntax");
  EXPECT_EQ(parse_error({"--v=3000000000"}),
            "invalid argument \"3000000000\" for \"-v, --v\" flag: strconv.ParseInt: parsing \"3000000000\": value "
            "out of range");
  EXPECT_EQ(parse_error({"--kubelet-insecure-tls=yes"}),
            "invalid argument \"yes\" for \"--kubelet-insecure-tls\" flag: strconv.ParseBool: parsing \"yes\": "
            "invalid syntax");
  EXPECT_EQ(parse_error({"--bind-address=1.2.3"}),
            "invalid argument \"1.2.3\" for \"--bind-address\" flag: failed to parse IP: \"1.2.3\"");
  EXPECT_EQ(parse_error({"--logging-format=xml"}),
            "invalid argument \"xml\" for \"--logging-format\" flag: supported values: \"json\", \"text\"");
  EXPECT_EQ(parse_error({"--tls-sni-cert-key=only.crt"}),
            "invalid argument \"only.crt\" for \"--tls-sni-cert-key\" flag: expected comma separated certificate "
            "and key file paths");
  EXPECT_EQ(parse_error({"--tls-sni-cert-key=a.crt,a.key:"}),
            "invalid argument \"a.crt,a.key:\" for \"--tls-sni-cert-key\" flag: empty names list is not allowed");
  EXPECT_EQ(parse_error({"--kubelet-preferred-address-types=a\"b"}),
            "invalid argument \"a\\\"b\" for \"--kubelet-preferred-address-types\" flag: parse error on line 1, "
            "column 2: bare \" in non-quoted-field");
  EXPECT_EQ(parse_error({"--tls-curve-preferences=23,x"}),
            "invalid argument \"23,x\" for \"--tls-curve-preferences\" flag: strconv.ParseInt: parsing \"x\": "
            "invalid syntax");
  EXPECT_EQ(parse_error({"--goaway-chance=lots"}),
            "invalid argument \"lots\" for \"--goaway-chance\" flag: strconv.ParseFloat: parsing \"lots\": invalid "
            "syntax");
  EXPECT_EQ(parse_error({"--audit-log-batch-throttle-qps=1e39"}),
            "invalid argument \"1e39\" for \"--audit-log-batch-throttle-qps\" flag: strconv.ParseFloat: parsing "
            "\"1e39\": value out of range");
}

// ---- --help ----

std::vector<std::string> help_lines() {
  std::vector<std::string> lines;
  std::istringstream in(help_text());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const std::string* line_of(const std::vector<std::string>& lines, const std::string& head) {
  for (const auto& line : lines) {
    if (line.rfind(head + " ", 0) == 0) return &line;
  }
  return nullptr;
}

TEST(FlagHelpTest, StartsLikeMetricsServer) {
  EXPECT_EQ(help_text().rfind("Launch metrics-server\n\nUsage:\n  metrics-server [flags]\n\n", 0), 0u);
}

TEST(FlagHelpTest, EveryFlagWithItsTypeAndDefault) {
  auto lines = help_lines();
  for (const auto& spec : flag_table()) {
    std::string head = spec.shorthand != 0 ? std::string("  -") + spec.shorthand + ", --" : "      --";
    head += spec.name;
    const std::string* line = line_of(lines, head);
    ASSERT_NE(line, nullptr) << spec.name;
    if (!spec.default_text.empty()) {
      bool quoted = spec.kind == FlagKind::kString || spec.kind == FlagKind::kLogFormat;
      std::string shown = quoted ? "\"" + std::string(spec.default_text) + "\"" : std::string(spec.default_text);
      EXPECT_TRUE(line->ends_with("(default " + shown + ")")) << *line;
    } else {
      EXPECT_THAT(*line, ::testing::Not(HasSubstr("(default "))) << *line;
    }
  }
}

TEST(FlagHelpTest, PflagLayout) {
  auto lines = help_lines();
  const std::string* port = line_of(lines, "      --kubelet-port int");
  ASSERT_NE(port, nullptr);
  EXPECT_TRUE(port->ends_with("The port to use to connect to Kubelets. (default 10250)")) << *port;
  ASSERT_NE(line_of(lines, "  -l, --node-selector string"), nullptr);
  ASSERT_NE(line_of(lines, "  -v, --v Level"), nullptr);
  ASSERT_NE(line_of(lines, "  -h, --help"), nullptr);
  ASSERT_NE(line_of(lines, "      --config FILE"), nullptr);
  ASSERT_NE(line_of(lines, "      --metric-resolution duration"), nullptr);
  ASSERT_NE(line_of(lines, "      --kubelet-preferred-address-types strings"), nullptr);
  ASSERT_NE(line_of(lines, "      --bind-address ip"), nullptr);
  ASSERT_NE(line_of(lines, "      --tls-sni-cert-key namedCertKey"), nullptr);
  ASSERT_NE(line_of(lines, "      --feature-gates colonSeparatedMultimapStringString"), nullptr);
  ASSERT_NE(line_of(lines, "      --vmodule pattern=N,..."), nullptr);
  EXPECT_TRUE(
      line_of(lines, "      --cert-dir string")->ends_with("(default \"apiserver.local.config/certificates\")"));
  EXPECT_TRUE(line_of(lines, "      --profiling")->ends_with("(default true)"));
  // Booleans show no type: the name is followed by spaces, then the usage.
  const std::string* insecure = line_of(lines, "      --kubelet-insecure-tls");
  ASSERT_NE(insecure, nullptr);
  EXPECT_EQ(insecure->find("--kubelet-insecure-tls   "), 6u);
}

TEST(FlagHelpTest, SectionsAreAlignedAndSorted) {
  std::string help = help_text();
  std::vector<std::string> titles = {"Pipeline flags:",
                                     "Metrics server flags:",
                                     "Generic flags:",
                                     "Kubelet client flags:",
                                     "Apiserver secure serving flags:",
                                     "Apiserver authentication flags:",
                                     "Apiserver authorization flags:",
                                     "Apiserver audit log flags:",
                                     "Features flags:",
                                     "Logging flags:"};
  std::size_t last = 0;
  for (const auto& title : titles) {
    std::size_t pos = help.find("\n" + title + "\n\n");
    ASSERT_NE(pos, std::string::npos) << title;
    EXPECT_GT(pos, last) << title;
    last = pos;
  }
  // Within a section every usage starts in one column, 3 spaces after the longest head, and names are sorted.
  auto lines = help_lines();
  std::vector<std::string> section;
  auto check = [](const std::vector<std::string>& block) {
    if (block.empty()) return;
    std::size_t column = std::string::npos;
    std::size_t longest = 0;
    std::string previous;
    for (const auto& line : block) {
      std::size_t name_start = line.find("--") + 2;
      std::size_t head_end = line.find("   ", name_start);
      while (head_end < line.size() && line[head_end] == ' ') ++head_end;
      std::string name = line.substr(name_start, line.find(' ', name_start) - name_start);
      EXPECT_LT(previous, name);
      previous = name;
      if (column == std::string::npos) column = head_end;
      EXPECT_EQ(head_end, column) << line;
      longest = std::max(longest, line.find_last_not_of(' ', head_end - 1) + 1);
    }
    EXPECT_EQ(column, longest + 3);
  };
  for (const auto& line : lines) {
    if (line.rfind("  -", 0) == 0 || line.rfind("      --", 0) == 0) {
      section.push_back(line);
    } else {
      check(section);
      section.clear();
    }
  }
  check(section);
}

}  // namespace
}  // namespace mpf::core
