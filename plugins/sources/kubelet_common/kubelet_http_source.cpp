#include "kubelet_common/kubelet_http_source.h"

#include <charconv>
#include <chrono>

#include "kubelet_common/kubelet_response.h"
#include "mpf/sdk/label_selector.h"
#include "mpf/sdk/version.h"

namespace mpf::sources::kubelet {

namespace {

constexpr const char* kAddressErrorAttribute = "address_error";

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

KubeletHttpSource::KubeletHttpSource(const KubeletClientConfig& config, std::string default_path, NodeSet nodes,
                                     std::shared_ptr<HttpClient> client, KubeletDecoder decode, Logger& logger,
                                     std::shared_ptr<KubeletRequestMetrics> request_metrics)
    : preferred_address_types_(config.preferred_address_types),
      port_(config.port),
      use_node_status_port_(config.use_node_status_port),
      default_path_(std::move(default_path)),
      nodes_(std::move(nodes)),
      logger_(logger),
      client_(std::move(client)),
      decode_(std::move(decode)),
      request_metrics_(std::move(request_metrics)) {}

KubeletHttpSource::~KubeletHttpSource() {
  if (request_metrics_) request_metrics_->set_nodes({});
}

Status KubeletHttpSource::start() noexcept {
  if (!nodes_.view || nodes_.sync_timeout.count() == 0) return Status::ok();
  if (!nodes_.view->wait_synced(nodes_.sync_timeout)) {
    // Not fatal: the view keeps trying, and cycles scrape whatever nodes it knows by then.
    logger_.warn("Nodes not listed from the kube-apiserver yet; scraping starts without them",
                 {{"waited", std::to_string(nodes_.sync_timeout.count() / 1000) + "s"},
                  {"err", nodes_.view->health().message()}});
  }
  return Status::ok();
}

void KubeletHttpSource::add_target(const NodeInfo& node, std::vector<Target>& out) const {
  auto target = node_target(node, preferred_address_types_, port_, use_node_status_port_, default_path_);
  if (target) {
    out.push_back(std::move(target).value());
  } else {
    // Still a target, so that the node shows up as failing with its reason instead of vanishing.
    Target failed;
    failed.name = node.name;
    failed.attributes[kAddressErrorAttribute] = target.status().message();
    out.push_back(std::move(failed));
  }
}

Status KubeletHttpSource::list_targets(std::vector<Target>& out) noexcept {
  const std::size_t first = out.size();
  if (!nodes_.view) {
    for (const auto& node : nodes_.static_nodes) add_target(node, out);
  } else {
    // The snapshot is immutable and current as of its last published change; a failing watch keeps
    // the last nodes known (as an informer cache does), and the health explains it in the logs.
    std::shared_ptr<const ClusterSnapshot> snapshot = nodes_.view->snapshot();
    for (const auto& node : snapshot->nodes) {
      if (nodes_.selector.matches(node->labels)) add_target(*node, out);
    }
  }
  if (request_metrics_) {
    // Departed nodes lose their per-node series here (metrics-server keeps them forever, #1114).
    std::vector<std::string> names;
    names.reserve(out.size() - first);
    for (std::size_t i = first; i < out.size(); ++i) names.push_back(out[i].name);
    request_metrics_->set_nodes(names);
  }
  return Status::ok();
}

void KubeletHttpSource::scrape(const Target& target, Deadline deadline, NodeBatch& batch, ScrapeDone done) noexcept {
  const auto started = std::chrono::steady_clock::now();
  if (auto it = target.attributes.find(kAddressErrorAttribute); it != target.attributes.end()) {
    // metrics-server resolves the address inside its request, so this is a failed request there too.
    if (request_metrics_) request_metrics_->record(target.name, std::chrono::steady_clock::now() - started, false);
    done(ScrapeOutcome::failure(FailureReason::kDns, Status::permanent(it->second)));
    return;
  }
  HttpRequest request;
  request.host = target.address;
  const std::string& port = target.attributes.at("port");
  std::from_chars(port.data(), port.data() + port.size(), request.port);
  request.target = target.attributes.at("path");
  request.deadline = deadline;
  const std::int64_t sent_at_ns = now_unix_ns();
  client_->get(std::move(request), [&batch, done = std::move(done), sent_at_ns, decode = decode_, started,
                                     metrics = request_metrics_, node = target.name](
                                        const Status& transport, FailureReason reason, const HttpResponse& response) {
    ScrapeOutcome outcome = classify_response(transport, reason, response);
    if (outcome.status.is_ok()) {
      if (Status st = decode(response.body, sent_at_ns, batch); !st.is_ok()) {
        outcome = ScrapeOutcome::failure(FailureReason::kParse, st);
      }
    }
    // As metrics-server's collectNode: the request and its decoding, observed before `done`.
    if (metrics) metrics->record(node, std::chrono::steady_clock::now() - started, outcome);
    done(std::move(outcome));
  });
}

Result<SourcePtr> make_kubelet_source(const KubeletClientConfig& config, std::string default_path,
                                      PluginContext& context, KubeletDecoder decode) {
  if (Status st = validate_kubelet_client_config(config); !st.is_ok()) return st;
  auto nodes = parse_static_nodes(config.nodes, "nodes");
  if (!nodes) return nodes.status();
  auto selector = LabelSelector::parse(config.node_selector);
  if (!selector) return Status::invalid_argument("node_selector: " + selector.status().message());
  NodeSet set;
  set.selector = *selector;
  HttpClientOptions api_credentials;
  const HttpClientOptions* base_credentials = nullptr;
  if (nodes->empty()) {
    auto view = context.cluster_view(ClusterViewOptions{config.kubeconfig, false}, &api_credentials);
    if (!view) {
      return Status::invalid_argument("node discovery (no static nodes given): " + view.status().message());
    }
    set.view = std::move(view).value();
    set.sync_timeout = std::chrono::seconds(config.sync_timeout_seconds);
    base_credentials = &api_credentials;
  } else {
    // Static nodes are fixed, so the selection is made once.
    for (auto& node : *nodes) {
      if (selector->matches(node.labels)) set.static_nodes.push_back(std::move(node));
    }
  }
  auto client = context.make_http_client(
      http_client_options(config, "metrics-server/" MPF_SDK_VERSION_STRING, base_credentials));
  if (!client) return client.status();
  auto request_metrics = std::make_shared<KubeletRequestMetrics>(context.self_metrics());
  return SourcePtr(std::make_unique<KubeletHttpSource>(config, std::move(default_path), std::move(set),
                                                       std::move(client).value(), std::move(decode),
                                                       context.logger(), std::move(request_metrics)));
}

}  // namespace mpf::sources::kubelet
