#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "mpf/sdk/status.h"
#include "tests/sim/cluster_model.h"
#include "tests/sim/farm_options.h"
#include "tests/sim/fault_plan.h"

// One process serving many simulated kubelets: node i answers on its own loopback address (see
// ClusterModel::node_address) at FarmOptions::port, over HTTP/1.1 with keep-alive, TLS by default.
// Responses are rendered per request from the cluster model at the current wall-clock time.

namespace mpf::sim {

class KubeletFarm {
 public:
  // Builds the model, assigns faults, makes the certificates and binds every listener. On success all
  // listeners accept connections (the kernel queues them) and the CA and expect files are written; nothing
  // is served until run().
  static Result<std::unique_ptr<KubeletFarm>> create(const FarmOptions& options);
  ~KubeletFarm();
  KubeletFarm(const KubeletFarm&) = delete;
  KubeletFarm& operator=(const KubeletFarm&) = delete;

  // Writes the ready file, then serves on FarmOptions::threads threads (the calling one included) until
  // stop(), SIGTERM or SIGINT (when FarmOptions::handle_signals).
  void run();

  // Makes run() return soon. Any thread; idempotent.
  void stop();

  // Renames the pods of the next churn generation (ClusterModel::rename_pods) at the current time and
  // rewrites the expect file. Any thread; runs on the farm's I/O thread.
  void rename_next_generation();

  // The model being served; replaced, never modified, when pods are renamed.
  std::shared_ptr<const ClusterModel> model() const;
  std::span<const FaultMode> faults() const;
  // PEM of the CA that signed the serving certificates (empty with plain HTTP).
  const std::string& ca_certificate_pem() const;
  uint64_t requests_served() const;

 private:
  struct Impl;
  explicit KubeletFarm(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpf::sim
