// Load benchmark for the Metrics API sink over real HTTPS, in two processes so each can be pinned to
// its own core (see run_list_benchmarks.sh):
//
//   metrics_api_load serve --nodes 5000 --pods-per-node 30 --port-file F
//       Serves a synthetic cluster (namespaces of 50 pods, labels app=a0..a9) through the real
//       metrics_api plugin and the host's HTTPS server until killed.
//   metrics_api_load load --port P --target PATH [--connections C] [--seconds S] [--rate R] [--gzip]
//                         [--accept TYPE] [--label TEXT] [--token BEARER]
//       Sends GET PATH over C keep-alive TLS connections for S seconds, closed-loop (as fast as
//       answers come) or open-loop at R requests/s in total, and prints requests/s and latency
//       percentiles. Open-loop latencies count from each request's scheduled time, so a stall shows
//       up in every request it delays (no coordinated omission).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "metrics_api/metrics_api_sink.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/fake_cluster_view.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_metrics_api();

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

std::string flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 2; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return argv[i + 1];
  }
  return fallback;
}
bool has_flag(int argc, char** argv, const std::string& name) {
  for (int i = 2; i < argc; ++i) {
    if (argv[i] == "--" + name) return true;
  }
  return false;
}

int serve(int argc, char** argv) {
  const int nodes = std::stoi(flag(argc, argv, "nodes", "5000"));
  const int pods_per_node = std::stoi(flag(argc, argv, "pods-per-node", "30"));
  const std::string port_file = flag(argc, argv, "port-file", "");
  const auto now = std::chrono::system_clock::now();
  const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();

  mpf::ClusterSnapshot cluster;
  auto metrics = std::make_shared<mpf::Snapshot>();
  metrics->started_at = now;
  auto usage = [&](std::uint64_t cpu, std::uint64_t memory) {
    mpf::Usage u;
    u.timestamp_ns = now_ns - 5'000'000'000;
    u.window_ns = 15'012'000'000;
    u.cpu_nanocores = cpu;
    u.memory_working_set_bytes = memory;
    u.present = mpf::kHasCpu | mpf::kHasMemory;
    return u;
  };
  char name[64];
  for (int n = 0; n < nodes; ++n) {
    std::snprintf(name, sizeof name, "node-%05d", n);
    cluster.nodes.push_back(std::make_shared<const mpf::ClusterNode>(
        mpf::ClusterNode{name, {}, 0, {{"kubernetes.io/hostname", name}, {"pool", "p" + std::to_string(n % 4)}}, {}, true}));
    metrics->nodes.push_back({metrics->names.intern(name), usage(1'234'567'890 + n, 8'000'000'000ull + n * 4096ull), {}, 0});
  }
  const int pods = nodes * pods_per_node;
  std::vector<std::pair<std::string, std::string>> pod_names;
  for (int p = 0; p < pods; ++p) {
    char ns[32], pod[64];
    std::snprintf(ns, sizeof ns, "ns-%05d", p / 50);
    std::snprintf(pod, sizeof pod, "app-%05d-7d9f8c6b5-%05d", p / 50, p);
    pod_names.emplace_back(ns, pod);
  }
  std::sort(pod_names.begin(), pod_names.end());
  for (int p = 0; p < pods; ++p) {
    const auto& [ns, pod] = pod_names[static_cast<std::size_t>(p)];
    cluster.pods.push_back(std::make_shared<const mpf::ClusterPod>(mpf::ClusterPod{
        ns, pod, "uid-" + std::to_string(p), {{"app", "a" + std::to_string(p % 10)}, {"tier", "web"}}, 0}));
    mpf::PodMetrics pm;
    pm.namespace_name = metrics->names.intern(ns);
    pm.name = metrics->names.intern(pod);
    pm.usage = usage(2'000'000 + p, 50'000'000 + p);
    pm.first_container = static_cast<std::uint32_t>(metrics->containers.size());
    pm.container_count = 2;
    metrics->containers.push_back({metrics->names.intern("app"), usage(1'500'000 + p, 40'000'000 + p)});
    metrics->containers.push_back({metrics->names.intern("istio-proxy"), usage(500'000, 10'000'000)});
    metrics->pods.push_back(pm);
  }

  mpf::test::TempDir dir;
  mpf::test::TestContext context;
  context.set_cluster_view(std::make_shared<mpf::test::FakeClusterView>(std::move(cluster)));
  mpf::ConfigValue options = mpf::ConfigValue::map();
  options.set("bind_address", mpf::ConfigValue::scalar("127.0.0.1"));
  options.set("secure_port", mpf::ConfigValue::scalar("0"));
  options.set("delegated_auth", mpf::ConfigValue::scalar("false"));  // the serving path alone is measured
  options.set("cert_dir", mpf::ConfigValue::scalar(dir.file("certs")));
  options.set("max_requests_inflight", mpf::ConfigValue::scalar("100000"));
  auto sink = mpf_builtin_plugin_metrics_api().create_sink(options, "bench", context);
  if (!sink.is_ok()) {
    std::cerr << sink.status().to_string() << "\n";
    return 1;
  }
  mpf::SinkPtr running = std::move(sink).value();
  if (!running->start().is_ok() ||
      !running->consume(metrics, Clock::now() + std::chrono::seconds(10)).is_ok()) {
    std::cerr << "cannot start the sink\n";
    return 1;
  }
  const auto port = static_cast<mpf::api::metrics::MetricsApiSink&>(*running).port();
  std::ofstream(port_file + ".tmp") << port << "\n";
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  std::cerr << "serving " << nodes << " nodes and " << pods << " pods on 127.0.0.1:" << port << "\n";
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

struct Worker {
  std::vector<double> latencies_ms;
  std::uint64_t bytes = 0;
  std::uint64_t errors = 0;
};

void run_worker(int port, const std::string& target, const std::string& accept, bool gzip, const std::string& token,
                Clock::time_point end,
                double interval_s, Clock::time_point first_at, Worker& out) {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_verify_mode(asio::ssl::verify_none);  // loopback benchmark against a self-signed pair
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  asio::ip::tcp::resolver resolver(io);
  beast::get_lowest_layer(stream).connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  stream.handshake(asio::ssl::stream_base::client);
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::user_agent, "metrics_api_load");
  request.set(http::field::accept, accept);
  if (gzip) request.set(http::field::accept_encoding, "gzip");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  request.keep_alive(true);
  beast::flat_buffer buffer;
  Clock::time_point scheduled = first_at;
  for (;;) {
    if (interval_s > 0) {
      std::this_thread::sleep_until(scheduled);
    }
    const Clock::time_point start = interval_s > 0 ? scheduled : Clock::now();
    if (start >= end) break;
    http::response_parser<http::string_body> parser;
    parser.body_limit(4ull << 30);
    http::write(stream, request);
    http::read(stream, buffer, parser);
    const auto took = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (parser.get().result_int() != 200) ++out.errors;
    out.bytes += parser.get().body().size();
    out.latencies_ms.push_back(took);
    if (interval_s > 0) scheduled += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s));
  }
}

int load(int argc, char** argv) {
  const int port = std::stoi(flag(argc, argv, "port", "0"));
  const std::string target = flag(argc, argv, "target", "/apis/metrics.k8s.io/v1beta1/pods");
  const int connections = std::stoi(flag(argc, argv, "connections", "1"));
  const double seconds = std::stod(flag(argc, argv, "seconds", "10"));
  const double rate = std::stod(flag(argc, argv, "rate", "0"));
  const bool gzip = has_flag(argc, argv, "gzip");
  const std::string accept = flag(argc, argv, "accept", "application/json");
  const std::string label = flag(argc, argv, "label", target);
  const std::string token = flag(argc, argv, "token", "");

  std::vector<Worker> workers(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  const Clock::time_point begin = Clock::now();
  const Clock::time_point end = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const double interval = rate > 0 ? connections / rate : 0;
  for (int c = 0; c < connections; ++c) {
    // Open-loop connections start staggered, so the total rate is even.
    const auto offset = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval * c / connections));
    threads.emplace_back([&, c, offset] {
      try {
        run_worker(port, target, accept, gzip, token, end, interval, begin + offset, workers[static_cast<std::size_t>(c)]);
      } catch (const std::exception& e) {
        std::cerr << "connection " << c << ": " << e.what() << "\n";
        ++workers[static_cast<std::size_t>(c)].errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  std::vector<double> all;
  std::uint64_t bytes = 0, errors = 0;
  for (const Worker& w : workers) {
    all.insert(all.end(), w.latencies_ms.begin(), w.latencies_ms.end());
    bytes += w.bytes;
    errors += w.errors;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    if (all.empty()) return 0.0;
    return all[std::min(all.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(all.size())))];
  };
  std::printf("%-44s requests=%zu errors=%llu req/s=%.0f body=%.1f KiB p50=%.2f ms p99=%.2f ms max=%.2f ms\n",
              label.c_str(), all.size(), static_cast<unsigned long long>(errors),
              static_cast<double>(all.size()) / elapsed,
              all.empty() ? 0.0 : static_cast<double>(bytes) / static_cast<double>(all.size()) / 1024.0, pct(50),
              pct(99), all.empty() ? 0.0 : all.back());
  return errors == 0 && !all.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve") return serve(argc, argv);
  if (mode == "load") return load(argc, argv);
  std::cerr << "usage: metrics_api_load serve|load [flags] (see the file's header)\n";
  return 2;
}
