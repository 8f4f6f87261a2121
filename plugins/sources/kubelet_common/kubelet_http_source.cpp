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

KubeletHttpSource::KubeletHttpSource(const KubeletClientConfig& config, std::string default_path,
                                     std::vector<NodeInfo> nodes, std::shared_ptr<HttpClient> client,
                                     KubeletDecoder decode)
    : preferred_address_types_(config.preferred_address_types),
      port_(config.port),
      use_node_status_port_(config.use_node_status_port),
      default_path_(std::move(default_path)),
      nodes_(std::move(nodes)),
      client_(std::move(client)),
      decode_(std::move(decode)) {}

Status KubeletHttpSource::list_targets(std::vector<Target>& out) noexcept {
  for (const auto& node : nodes_) {
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
  return Status::ok();
}

void KubeletHttpSource::scrape(const Target& target, Deadline deadline, NodeBatch& batch, ScrapeDone done) noexcept {
  if (auto it = target.attributes.find(kAddressErrorAttribute); it != target.attributes.end()) {
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
  client_->get(std::move(request), [&batch, done = std::move(done), sent_at_ns, decode = decode_](
                                       const Status& transport, FailureReason reason, const HttpResponse& response) {
    ScrapeOutcome outcome = classify_response(transport, reason, response);
    if (!outcome.status.is_ok()) {
      done(std::move(outcome));
      return;
    }
    if (Status st = decode(response.body, sent_at_ns, batch); !st.is_ok()) {
      done(ScrapeOutcome::failure(FailureReason::kParse, st));
      return;
    }
    done(ScrapeOutcome::success());
  });
}

Result<SourcePtr> make_kubelet_source(const KubeletClientConfig& config, std::string default_path,
                                      PluginContext& context, KubeletDecoder decode) {
  if (Status st = validate_kubelet_client_config(config); !st.is_ok()) return st;
  auto nodes = parse_static_nodes(config.nodes, "nodes");
  if (!nodes) return nodes.status();
  if (nodes->empty()) {
    return Status::invalid_argument(
        "nodes: no static nodes given; node discovery from the kube-apiserver is not part of this build yet, so "
        "list the nodes to scrape");
  }
  auto selector = LabelSelector::parse(config.node_selector);
  if (!selector) return Status::invalid_argument("node_selector: " + selector.status().message());
  // Static nodes are fixed, so the selection is made once.
  std::vector<NodeInfo> selected;
  for (auto& node : *nodes) {
    if (selector->matches(node.labels)) selected.push_back(std::move(node));
  }
  auto client = context.make_http_client(http_client_options(config, "metrics-server/" MPF_SDK_VERSION_STRING));
  if (!client) return client.status();
  return SourcePtr(std::make_unique<KubeletHttpSource>(config, std::move(default_path), std::move(selected),
                                                       std::move(client).value(), std::move(decode)));
}

}  // namespace mpf::sources::kubelet
