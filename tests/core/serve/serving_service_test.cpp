#include "core/serve/serving_service.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "core/net/http_engine.h"
#include "core/serve/host_routes.h"
#include "core/serve/status_body.h"
#include "tests/core/net/http_test_support.h"
#include "tests/mocks/test_logger.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_pki.h"

// The host's HTTPS server end to end: served on 127.0.0.1 port 0 and called both with the repository's
// own client (core::HttpEngine) and with curl, so neither side only agrees with itself.

namespace mpf::core {
namespace {

using test::Outcome;
using test::Pending;

struct CurlResult {
  int exit_code = -1;
  int http_code = 0;
  std::string body;
  std::string headers;  // lower case
};

// One curl run (a new connection each time), verifying the server against `cacert`.
CurlResult curl(const test::TempDir& dir, const std::string& cacert, const std::string& url,
                const std::string& extra = "") {
  const std::string body = dir.file("curl.body"), headers = dir.file("curl.headers"), code = dir.file("curl.code");
  const std::string command = "curl -sS --max-time 20 --cacert '" + cacert + "' -o '" + body + "' -D '" + headers +
                              "' -w '%{http_code}' " + extra + " '" + url + "' > '" + code + "' 2> '" +
                              dir.file("curl.err") + "'";
  const int status = std::system(command.c_str());
  CurlResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.http_code = std::atoi(test::read_text(code).c_str());
  result.body = test::read_text(body);
  // Lower-cased: HTTP/1.1 header names are case-insensitive and sent as written.
  result.headers = test::read_text(headers);
  for (char& ch : result.headers) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return result;
}

mpf::Route json_route(std::string prefix, std::string body) {
  return mpf::Route{std::move(prefix), [body](const mpf::ServerRequest&, mpf::ServerResponse& r) { r.body = body; }};
}

class ServingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(engine_.start().is_ok()); }
  void TearDown() override {
    service_.stop();
    engine_.stop();
  }

  mpf::ServingOptions options() const {
    mpf::ServingOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.cert_dir = dir_.file("certs");
    return o;
  }
  std::string generated_cert() const { return dir_.file("certs") + "/apiserver.crt"; }

  std::shared_ptr<mpf::HttpClient> client_with_ca_file(const std::string& ca_file) {
    mpf::HttpClientOptions o;
    o.ca_file = ca_file;
    auto made = engine_.make_client(o);
    EXPECT_TRUE(made.is_ok()) << made.status().to_string();
    return made.is_ok() ? *made : nullptr;
  }
  std::shared_ptr<mpf::HttpClient> client_with_ca_pem(const std::string& ca_pem) {
    mpf::HttpClientOptions o;
    o.ca_pem = ca_pem;
    auto made = engine_.make_client(o);
    EXPECT_TRUE(made.is_ok()) << made.status().to_string();
    return made.is_ok() ? *made : nullptr;
  }
  static Outcome get(mpf::HttpClient& client, std::uint16_t port, std::string target) {
    Pending pending;
    client.get(test::make_request(port, "127.0.0.1", std::chrono::seconds(20), std::move(target)), pending.callback());
    EXPECT_TRUE(pending.wait());
    return pending.outcome();
  }
  std::uint16_t serve(const mpf::ServingOptions& o, std::vector<mpf::Route> routes) {
    auto handle = service_.serve(o, std::move(routes));
    EXPECT_TRUE(handle.is_ok()) << handle.status().to_string();
    return handle.is_ok() ? (*handle)->port() : 0;
  }
  std::string url(std::uint16_t port, const std::string& target, const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port) + target;
  }

  test::TempDir dir_;
  test::TestLogger logger_;
  HttpEngine engine_;
  ServingService service_{ServingServiceOptions{}, std::shared_ptr<mpf::Logger>(std::shared_ptr<void>(), &logger_)};
};

TEST_F(ServingServiceTest, ServesJsonRoutesByLongestPrefix) {
  auto snapshot = std::make_shared<const std::string>(R"({"kind":"NodeMetricsList"})");
  const std::uint16_t port = serve(options(), {
      json_route("/", R"({"paths":["/apis"]})"),
      mpf::Route{"/apis/metrics.k8s.io", [snapshot](const mpf::ServerRequest& request, mpf::ServerResponse& r) {
                   if (request.query == "labelSelector=a") r.shared_body = snapshot;
                   r.headers.emplace_back("X-Path", std::string(request.path));
                   r.headers.emplace_back("X-Agent", std::string(request.header("user-agent")));
                 }},
  });
  ASSERT_NE(port, 0);
  auto client = client_with_ca_file(generated_cert());
  Outcome o = get(*client, port, "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=a");
  ASSERT_TRUE(o.status.is_ok()) << o.status.to_string();
  EXPECT_EQ(o.status_code, 200);
  EXPECT_EQ(o.content_type, "application/json");
  EXPECT_EQ(o.body, *snapshot);
  EXPECT_EQ(get(*client, port, "/openapi/v2").body, R"({"paths":["/apis"]})");

  CurlResult c = curl(dir_, generated_cert(), url(port, "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=a"));
  EXPECT_EQ(c.exit_code, 0) << test::read_text(dir_.file("curl.err"));
  EXPECT_EQ(c.http_code, 200);
  EXPECT_EQ(c.body, *snapshot);
  EXPECT_NE(c.headers.find("x-path: /apis/metrics.k8s.io/v1beta1/pods"), std::string::npos) << c.headers;
  EXPECT_NE(c.headers.find("x-agent: curl/"), std::string::npos) << c.headers;
  EXPECT_NE(c.headers.find("content-type: application/json"), std::string::npos) << c.headers;
}

TEST_F(ServingServiceTest, UnknownPathGetsMetricsServersNotFound) {
  const std::uint16_t port = serve(options(), {json_route("/healthz", "ok")});
  const std::string expected =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})";
  auto client = client_with_ca_file(generated_cert());
  Outcome o = get(*client, port, "/apis");
  EXPECT_EQ(o.status_code, 404);
  EXPECT_EQ(o.body, expected);
  CurlResult c = curl(dir_, generated_cert(), url(port, "/nope"));
  EXPECT_EQ(c.http_code, 404);
  EXPECT_EQ(c.body, expected);
  EXPECT_EQ(service_.stats().responses_in(4), 2u);
}

TEST_F(ServingServiceTest, KeepsConnectionsAlive) {
  const std::uint16_t port = serve(options(), {json_route("/", "{}")});
  auto client = client_with_ca_file(generated_cert());
  EXPECT_EQ(get(*client, port, "/a").status_code, 200);
  EXPECT_EQ(get(*client, port, "/b").status_code, 200);
  EXPECT_GE(engine_.stats().connections_reused, 1u);
  EXPECT_EQ(service_.stats().connections, 1u);
  EXPECT_EQ(service_.stats().requests, 2u);

  // Connection: close is honoured: curl sees the server end the connection.
  CurlResult c = curl(dir_, generated_cert(), url(port, "/"), "-H 'Connection: close'");
  EXPECT_EQ(c.http_code, 200);
  EXPECT_NE(c.headers.find("onnection: close"), std::string::npos) << c.headers;
}

TEST_F(ServingServiceTest, LargeBodiesAreGzippedForClientsThatAcceptIt) {
  std::string big;
  for (int i = 0; big.size() <= 200 * 1024; ++i) big += R"({"name":"pod-)" + std::to_string(i) + R"("},)";
  const std::uint16_t port = serve(options(), {
      json_route("/big", big),
      json_route("/small", "{}"),
      mpf::Route{"/precompressed", [](const mpf::ServerRequest&, mpf::ServerResponse& r) {
                   r.body = std::string(200 * 1024, 'x');  // not gzip: must go out untouched
                   r.headers.emplace_back("Content-Encoding", "identity");
                 }},
  });
  CurlResult gz = curl(dir_, generated_cert(), url(port, "/big"), "--compressed");
  EXPECT_EQ(gz.http_code, 200);
  EXPECT_EQ(gz.body, big);  // curl inflated it
  EXPECT_NE(gz.headers.find("content-encoding: gzip"), std::string::npos) << gz.headers;
  EXPECT_NE(gz.headers.find("vary: accept-encoding"), std::string::npos) << gz.headers;
  CurlResult plain = curl(dir_, generated_cert(), url(port, "/big"));
  EXPECT_EQ(plain.body, big);
  EXPECT_EQ(plain.headers.find("content-encoding"), std::string::npos) << plain.headers;
  // q-values are not parsed, as in the apiserver: "gzip;q=1" is not the token "gzip".
  CurlResult q = curl(dir_, generated_cert(), url(port, "/big"), "-H 'Accept-Encoding: gzip;q=1'");
  EXPECT_EQ(q.headers.find("content-encoding"), std::string::npos) << q.headers;
  CurlResult small = curl(dir_, generated_cert(), url(port, "/small"), "--compressed");
  EXPECT_EQ(small.headers.find("content-encoding"), std::string::npos) << small.headers;
  CurlResult own = curl(dir_, generated_cert(), url(port, "/precompressed"), "-H 'Accept-Encoding: gzip'");
  EXPECT_EQ(own.body.size(), 200u * 1024);
  EXPECT_NE(own.headers.find("content-encoding: identity"), std::string::npos) << own.headers;
  EXPECT_EQ(service_.stats().compressed_responses, 1u);
}

TEST_F(ServingServiceTest, HeadIsAnsweredWithoutBody) {
  const std::uint16_t port = serve(options(), {json_route("/", "12345")});
  CurlResult c = curl(dir_, generated_cert(), url(port, "/"), "-I");
  EXPECT_EQ(c.http_code, 200);
  EXPECT_NE(c.headers.find("content-length: 5"), std::string::npos) << c.headers;
}

TEST_F(ServingServiceTest, ThrowingHandlerBecomesCounted500) {
  const std::uint16_t port = serve(options(), {mpf::Route{"/boom", [](const mpf::ServerRequest&, mpf::ServerResponse&) {
                                                 throw std::runtime_error("kaput");
                                               }}});
  auto client = client_with_ca_file(generated_cert());
  Outcome o = get(*client, port, "/boom");
  EXPECT_EQ(o.status_code, 500);
  EXPECT_NE(o.body.find(R"("reason":"InternalError")"), std::string::npos) << o.body;
  EXPECT_EQ(service_.stats().handler_exceptions, 1u);
  EXPECT_EQ(service_.stats().responses_in(5), 1u);
  // The connection survives a handler's exception.
  EXPECT_EQ(get(*client, port, "/boom").status_code, 500);
  EXPECT_EQ(service_.stats().connections, 1u);
}

TEST_F(ServingServiceTest, RequestsBeyondMaxInFlightGet429) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  mpf::ServingOptions o = options();
  o.max_in_flight = 1;
  const std::uint16_t port = serve(o, {mpf::Route{"/block", [&](const mpf::ServerRequest&, mpf::ServerResponse& r) {
                                        if (first.exchange(false)) {
                                          entered.set_value();
                                          released.wait();
                                        }
                                        r.body = "{}";
                                      }}});
  auto client = client_with_ca_file(generated_cert());
  Pending blocked;
  client->get(test::make_request(port, "127.0.0.1", std::chrono::seconds(30), "/block"), blocked.callback());
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);

  CurlResult c = curl(dir_, generated_cert(), url(port, "/block"));
  release.set_value();
  EXPECT_EQ(c.http_code, 429);
  EXPECT_NE(c.headers.find("retry-after: 1"), std::string::npos) << c.headers;
  EXPECT_NE(c.body.find(R"("reason":"TooManyRequests")"), std::string::npos) << c.body;
  ASSERT_TRUE(blocked.wait());
  EXPECT_EQ(blocked.outcome().status_code, 200);
  EXPECT_EQ(service_.stats().too_many_requests, 1u);
  // The slot is free again.
  EXPECT_EQ(curl(dir_, generated_cert(), url(port, "/block")).http_code, 200);
}

TEST_F(ServingServiceTest, ServesCertificateFromExplicitFiles) {
  test::TestPki pki = test::TestPki::make();
  ASSERT_TRUE(pki.ok());
  ASSERT_TRUE(write_pem_files(pki.server, dir_.file("tls.crt"), dir_.file("tls.key")).is_ok());
  mpf::ServingOptions o = options();
  o.cert_file = dir_.file("tls.crt");
  o.key_file = dir_.file("tls.key");
  const std::uint16_t port = serve(o, {json_route("/", "{}")});
  auto client = client_with_ca_pem(pki.ca.certificate_pem);
  EXPECT_EQ(get(*client, port, "/").status_code, 200);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("certs")));  // nothing generated
}

TEST_F(ServingServiceTest, GeneratesSelfSignedPairForLoopbackNames) {
  const std::uint16_t port = serve(options(), {json_route("/", "{}")});
  struct stat st {};
  ASSERT_EQ(::stat(dir_.file("certs").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(generated_cert().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_.file("certs") + "/apiserver.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(logger_.count("Generated self-signed cert"), 1u);

  auto client = client_with_ca_file(generated_cert());
  EXPECT_EQ(get(*client, port, "/").status_code, 200);  // IP SAN 127.0.0.1
  const std::string resolve = "--resolve localhost:" + std::to_string(port) + ":127.0.0.1";
  CurlResult c = curl(dir_, generated_cert(), url(port, "/", "localhost"), resolve);  // DNS SAN localhost
  EXPECT_EQ(c.exit_code, 0) << test::read_text(dir_.file("curl.err"));
  EXPECT_EQ(c.http_code, 200);

  // A second listener with the same cert dir serves the pair already there.
  const std::string before = test::read_text(generated_cert());
  serve(options(), {json_route("/", "{}")});
  EXPECT_EQ(test::read_text(generated_cert()), before);
}

TEST_F(ServingServiceTest, Tls13MinimumRefusesTls12Clients) {
  mpf::ServingOptions o = options();
  o.min_tls_version = "VersionTLS13";
  const std::uint16_t port = serve(o, {json_route("/", "{}")});
  CurlResult refused = curl(dir_, generated_cert(), url(port, "/"), "--tls-max 1.2");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_EQ(refused.http_code, 0);
  EXPECT_EQ(curl(dir_, generated_cert(), url(port, "/")).http_code, 200);
  EXPECT_GE(service_.stats().tls_handshake_failures, 1u);

  o.min_tls_version = "VersionTLS14";
  auto bad = service_.serve(o, {json_route("/", "{}")});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("VersionTLS11"), std::string::npos);
}

TEST_F(ServingServiceTest, ReloadsChangedCertificateFilesForNewConnections) {
  test::TestPki first = test::TestPki::make();
  const core::PemPair second_ca = test::TestPki::make_ca("second-ca");
  const core::PemPair second = test::TestPki::issue_server(second_ca, {"127.0.0.1"}, {"localhost"});
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(second.certificate_pem.empty());
  const std::string cert = dir_.file("tls.crt"), key = dir_.file("tls.key");
  ASSERT_TRUE(write_pem_files(first.server, cert, key).is_ok());
  ASSERT_TRUE(test::write_text(dir_.file("second-ca.crt"), second_ca.certificate_pem));
  mpf::ServingOptions o = options();
  o.cert_file = cert;
  o.key_file = key;
  const std::uint16_t port = serve(o, {json_route("/", "{}")});
  EXPECT_EQ(get(*client_with_ca_pem(first.ca.certificate_pem), port, "/").status_code, 200);

  ASSERT_TRUE(write_pem_files(second, cert, key).is_ok());
  // Files are re-checked at most once a second, on new connections; curl makes one each time.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int code = 0;
  while (code != 200 && std::chrono::steady_clock::now() < give_up) {
    code = curl(dir_, dir_.file("second-ca.crt"), url(port, "/")).http_code;
    if (code != 200) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(code, 200) << "the new certificate, signed by the second CA, was never served";
  EXPECT_EQ(service_.stats().certificate_reloads, 1u);

  // A broken pair keeps the last good one, logged once.
  ASSERT_TRUE(test::write_text(cert, "not a certificate"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(curl(dir_, dir_.file("second-ca.crt"), url(port, "/")).http_code, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(curl(dir_, dir_.file("second-ca.crt"), url(port, "/")).http_code, 200);
  EXPECT_EQ(service_.stats().certificate_reload_failures, 1u);
  EXPECT_EQ(logger_.count("Keeping the previous serving certificate"), 1u);
}

TEST_F(ServingServiceTest, SecondServeCallSharesTheListener) {
  const std::uint16_t port = serve(options(), {json_route("/a", R"("a")")});
  mpf::ServingOptions same = options();
  same.port = port;
  EXPECT_EQ(serve(same, {json_route("/b", R"("b")")}), port);
  auto client = client_with_ca_file(generated_cert());
  EXPECT_EQ(get(*client, port, "/a").body, R"("a")");
  EXPECT_EQ(get(*client, port, "/b").body, R"("b")");
  EXPECT_EQ(service_.stats().listeners, 1u);

  auto twice = service_.serve(same, {json_route("/a", "{}")});
  ASSERT_FALSE(twice.is_ok());
  EXPECT_EQ(twice.status().message(), "route \"/a\" is already served on 127.0.0.1:" + std::to_string(port));
}

TEST_F(ServingServiceTest, DifferentOptionsOnOneListenerAreRefused) {
  const std::uint16_t port = serve(options(), {json_route("/a", "{}")});
  mpf::ServingOptions other = options();
  other.port = port;
  other.min_tls_version = "VersionTLS13";
  auto refused = service_.serve(other, {json_route("/b", "{}")});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("tls-min-version VersionTLS12 vs VersionTLS13"), std::string::npos)
      << refused.status().message();
}

TEST_F(ServingServiceTest, PortInUseFailsNamingTheAddress) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  mpf::ServingOptions o = options();
  o.port = taken.local_endpoint().port();
  auto refused = service_.serve(o, {json_route("/", "{}")});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().message(),
            "listen tcp 127.0.0.1:" + std::to_string(o.port) + ": bind: address already in use");
}

TEST_F(ServingServiceTest, MissingCertificateFileIsNamed) {
  mpf::ServingOptions o = options();
  o.cert_file = dir_.file("missing.crt");
  o.key_file = dir_.file("missing.key");
  auto refused = service_.serve(o, {json_route("/", "{}")});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find(dir_.file("missing.crt")), std::string::npos) << refused.status().message();

  o.key_file.clear();
  refused = service_.serve(o, {json_route("/", "{}")});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("together"), std::string::npos);
}

TEST_F(ServingServiceTest, ServeAfterStopIsRefused) {
  service_.stop();
  EXPECT_FALSE(service_.serve(options(), {json_route("/", "{}")}).is_ok());
}

TEST_F(ServingServiceTest, EveryListenerAnswersTheHostsMetricsAndVersion) {
#if defined(__x86_64__)
  const std::string platform = "linux/amd64";
#elif defined(__aarch64__)
  const std::string platform = "linux/arm64";
#endif
  const std::string version =
      R"({"major":"0","minor":"1","gitVersion":"v9.8.7","gitCommit":"","gitTreeState":"","buildDate":"","goVersion":"","compiler":"gcc","platform":")" +
      platform + R"("})";
  EXPECT_EQ(version_info_json("v9.8.7"), version);
  std::atomic<int> renders{0};
  ServingServiceOptions service_options;
  service_options.host_routes = metrics_server_host_routes(
      [&renders] { return "# TYPE mpf_test_total counter\nmpf_test_total " + std::to_string(++renders) + "\n"; },
      version_info_json("v9.8.7"));
  ServingService service(std::move(service_options), std::shared_ptr<mpf::Logger>(std::shared_ptr<void>(), &logger_));
  auto first = service.serve(options(), {json_route("/apis", "{}")});
  auto second = service.serve(options(), {});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();

  for (std::uint16_t port : {(*first)->port(), (*second)->port()}) {
    CurlResult metrics = curl(dir_, generated_cert(), url(port, "/metrics"));
    EXPECT_EQ(metrics.http_code, 200);
    EXPECT_EQ(metrics.body.rfind("# TYPE mpf_test_total counter\nmpf_test_total ", 0), 0u) << metrics.body;
    EXPECT_NE(metrics.headers.find("content-type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos)
        << metrics.headers;
    CurlResult v = curl(dir_, generated_cert(), url(port, "/version"));
    EXPECT_EQ(v.http_code, 200);
    EXPECT_EQ(v.body, version);
    EXPECT_NE(v.headers.find("content-type: application/json"), std::string::npos) << v.headers;
    for (const char* path : {"/metricsx", "/metrics/", "/versions"}) {
      CurlResult c = curl(dir_, generated_cert(), url(port, path));
      EXPECT_EQ(c.http_code, 404) << path;
      EXPECT_EQ(c.body, not_found_body()) << path;
    }
  }
  EXPECT_EQ(renders.load(), 2);
  EXPECT_EQ(curl(dir_, generated_cert(), url((*first)->port(), "/apis")).body, "{}");
}

TEST_F(ServingServiceTest, RoutesShadowingTheHostsAreRefused) {
  ServingServiceOptions service_options;
  service_options.host_routes = metrics_server_host_routes([] { return std::string(); }, "{}");
  ServingService service(std::move(service_options), std::shared_ptr<mpf::Logger>(std::shared_ptr<void>(), &logger_));
  // On a new listener (which then stays unbound) and on an existing one.
  auto refused = service.serve(options(), {json_route("/metrics", "{}")});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().message().rfind("route \"/metrics\" is already served on 127.0.0.1:", 0), 0u)
      << refused.status().message();
  EXPECT_EQ(service.stats().listeners, 0u);
  auto served = service.serve(options(), {json_route("/", "{}")});
  ASSERT_TRUE(served.is_ok()) << served.status().to_string();
  mpf::ServingOptions same = options();
  same.port = (*served)->port();
  refused = service.serve(same, {json_route("/version", "{}")});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().message().rfind("route \"/version\" is already served on 127.0.0.1:", 0), 0u)
      << refused.status().message();
  // Longer prefixes are a plugin's own.
  EXPECT_TRUE(service.serve(same, {json_route("/metrics/plugin", "{}")}).is_ok());
}

}  // namespace
}  // namespace mpf::core
