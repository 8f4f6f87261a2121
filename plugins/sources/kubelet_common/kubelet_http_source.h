#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kubelet_common/kubelet_client_config.h"
#include "kubelet_common/kubelet_request_metrics.h"
#include "kubelet_common/node_targets.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/label_selector.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/source.h"

namespace mpf::sources::kubelet {

/// Decodes one kubelet response body into the batch. `sent_at_ns` is when the request was sent (the
/// timestamp of samples that carry none). Runs on an HTTP engine thread; must be thread-safe.
using KubeletDecoder = std::function<Status(std::string_view body, std::int64_t sent_at_ns, NodeBatch& batch)>;

/// Where a kubelet source's nodes come from: a fixed list from the config, or the host's cluster view
/// (Nodes watched from the kube-apiserver), filtered by the node selector at every cycle.
struct NodeSet {
  std::vector<NodeInfo> static_nodes;
  std::shared_ptr<ClusterView> view;
  LabelSelector selector;
  std::chrono::milliseconds sync_timeout{0};
};

/// The transport both kubelet sources share: one target per node, GET <path> through the host's HTTP
/// engine, failures classified, the body decoded inside the response callback (no copy). Every request
/// is observed in metrics-server's kubelet families (`request_metrics`, optional).
class KubeletHttpSource : public Source {
 public:
  KubeletHttpSource(const KubeletClientConfig& config, std::string default_path, NodeSet nodes,
                    std::shared_ptr<HttpClient> client, KubeletDecoder decode, Logger& logger,
                    std::shared_ptr<KubeletRequestMetrics> request_metrics = nullptr);
  /// Removes the per-node request series; answers still in flight then only count as requests.
  ~KubeletHttpSource() override;

  /// With a cluster view: waits (up to sync_timeout) for the first node list, as metrics-server waits
  /// for its informers, so that the first cycle scrapes every node.
  Status start() noexcept override;
  Status list_targets(std::vector<Target>& out) noexcept override;
  void scrape(const Target& target, Deadline deadline, NodeBatch& batch, ScrapeDone done) noexcept override;

 private:
  std::vector<std::string> preferred_address_types_;
  int port_;
  bool use_node_status_port_;
  void add_target(const NodeInfo& node, std::vector<Target>& out) const;

  std::string default_path_;
  NodeSet nodes_;
  Logger& logger_;
  std::shared_ptr<HttpClient> client_;
  KubeletDecoder decode_;
  // Shared with the response callbacks, which may outlive the source.
  std::shared_ptr<KubeletRequestMetrics> request_metrics_;
};

/// Everything a kubelet source's factory does besides choosing its codec: validates the shared options,
/// reads static nodes and keeps those matching node_selector, or (no static nodes) asks the host for
/// the cluster view of `kubeconfig` and presents the API server identity to kubelets as metrics-server
/// does; makes the HTTP client.
Result<SourcePtr> make_kubelet_source(const KubeletClientConfig& config, std::string default_path,
                                      PluginContext& context, KubeletDecoder decode);

}  // namespace mpf::sources::kubelet
