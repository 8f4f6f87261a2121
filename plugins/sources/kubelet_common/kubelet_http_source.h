#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kubelet_common/kubelet_client_config.h"
#include "kubelet_common/node_targets.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/source.h"

namespace mpf::sources::kubelet {

/// Decodes one kubelet response body into the batch. `sent_at_ns` is when the request was sent (the
/// timestamp of samples that carry none). Runs on an HTTP engine thread; must be thread-safe.
using KubeletDecoder = std::function<Status(std::string_view body, std::int64_t sent_at_ns, NodeBatch& batch)>;

/// The transport both kubelet sources share: one target per node, GET <path> through the host's HTTP
/// engine, failures classified, the body decoded inside the response callback (no copy).
class KubeletHttpSource : public Source {
 public:
  KubeletHttpSource(const KubeletClientConfig& config, std::string default_path, std::vector<NodeInfo> nodes,
                    std::shared_ptr<HttpClient> client, KubeletDecoder decode);

  Status list_targets(std::vector<Target>& out) noexcept override;
  void scrape(const Target& target, Deadline deadline, NodeBatch& batch, ScrapeDone done) noexcept override;

 private:
  std::vector<std::string> preferred_address_types_;
  int port_;
  bool use_node_status_port_;
  std::string default_path_;
  std::vector<NodeInfo> nodes_;
  std::shared_ptr<HttpClient> client_;
  KubeletDecoder decode_;
};

/// Everything a kubelet source's factory does besides choosing its codec: validates the shared options,
/// reads static nodes and keeps those matching node_selector, and makes the HTTP client.
Result<SourcePtr> make_kubelet_source(const KubeletClientConfig& config, std::string default_path,
                                      PluginContext& context, KubeletDecoder decode);

}  // namespace mpf::sources::kubelet
