#include "influxdb_exporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <string>

#include "tests/test_common/loopback_https_server.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"
#include "write_target.h"

namespace mpf::sinks::influxdb {
namespace {

using ::testing::HasSubstr;

std::string gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return "inflateInit2 failed";
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return rc == Z_STREAM_END ? out : "inflate failed";
}

std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

// A snapshot of `nodes` nodes, one line each: "kubernetes_node,node_name=nI cpu_usage_nanocores=Ii I".
SnapshotPtr nodes_snapshot(int nodes) {
  auto s = std::make_shared<Snapshot>();
  for (int i = 1; i <= nodes; ++i) {
    NodeMetrics node;
    node.name = s->names.intern("n" + std::to_string(i));
    node.usage.timestamp_ns = i;
    node.usage.cpu_nanocores = static_cast<std::uint64_t>(i);
    node.usage.present = kHasCpu;
    s->nodes.push_back(node);
  }
  return s;
}

class InfluxdbExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::LoopbackServerOptions o;
    o.tls = false;
    server_ = std::make_unique<test::LoopbackServer>(o, [this](const test::LoopbackRequest&) {
      test::LoopbackResponse r;
      r.status = status_.load();
      r.content_type = "application/json";
      r.body = r.status == 204 ? "" : R"({"code":"invalid","message":"partial write: field type conflict"})";
      return r;
    });
    ASSERT_TRUE(server_->start().is_ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  std::unique_ptr<InfluxdbExporter> make(const InfluxdbConfig& config) {
    EXPECT_TRUE(validate_config(config).is_ok()) << validate_config(config).message();
    auto made = InfluxdbExporter::create(config, ctx_);
    EXPECT_TRUE(made.is_ok()) << made.status().message();
    return made.is_ok() ? std::move(*made) : nullptr;
  }

  InfluxdbConfig v1() {
    InfluxdbConfig c;
    c.url = url_;
    c.database = "my db";
    return c;
  }

  test::TestContext ctx_;
  std::unique_ptr<test::LoopbackServer> server_;
  std::atomic<int> status_{204};
  std::string url_;
};

TEST_F(InfluxdbExporterTest, Version1PostsLinesWithBasicAuth) {
  InfluxdbConfig c = v1();
  c.retention_policy = "rp&1";
  c.username = "u";
  c.password = "p:w";
  auto exporter = make(c);
  ASSERT_NE(exporter, nullptr);
  ASSERT_TRUE(exporter->consume(nodes_snapshot(1), soon()).is_ok());
  ASSERT_EQ(server_->request_count(), 1u);
  test::LoopbackRequest r = server_->last_request();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/write?db=my%20db&rp=rp%261&precision=ns");
  EXPECT_EQ(r.header("authorization"), "Basic dTpwOnc=");  // base64("u:p:w")
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.header("content-encoding"), "");
  EXPECT_EQ(r.body, "kubernetes_node,node_name=n1 cpu_usage_nanocores=1i 1\n");
}

TEST_F(InfluxdbExporterTest, Version1WithoutCredentialsSendsNoAuthorization) {
  auto exporter = make(v1());
  ASSERT_NE(exporter, nullptr);
  ASSERT_TRUE(exporter->consume(nodes_snapshot(1), soon()).is_ok());
  EXPECT_EQ(server_->last_request().header("authorization"), "");
  EXPECT_EQ(server_->last_request().target, "/write?db=my%20db&precision=ns");
}

TEST_F(InfluxdbExporterTest, Version2PostsToApiV2WithTokenFromFile) {
  test::TempDir dir;
  ASSERT_TRUE(test::write_text(dir.file("token"), "s3cr3t\n"));
  InfluxdbConfig c;
  c.url = url_ + "/proxy/";
  c.version = "2";
  c.org = "my org";
  c.bucket = "k8s/metrics";
  c.token_file = dir.file("token");
  auto exporter = make(c);
  ASSERT_NE(exporter, nullptr);
  ASSERT_TRUE(exporter->consume(nodes_snapshot(1), soon()).is_ok());
  test::LoopbackRequest r = server_->last_request();
  EXPECT_EQ(r.target, "/proxy/api/v2/write?org=my%20org&bucket=k8s%2Fmetrics&precision=ns");
  EXPECT_EQ(r.header("authorization"), "Token s3cr3t");
}

TEST_F(InfluxdbExporterTest, GzipBodiesInflateToTheLines) {
  InfluxdbConfig c = v1();
  c.gzip = true;
  auto exporter = make(c);
  ASSERT_NE(exporter, nullptr);
  ASSERT_TRUE(exporter->consume(nodes_snapshot(2), soon()).is_ok());
  test::LoopbackRequest r = server_->last_request();
  EXPECT_EQ(r.header("content-encoding"), "gzip");
  EXPECT_EQ(gunzip(r.body),
            "kubernetes_node,node_name=n1 cpu_usage_nanocores=1i 1\n"
            "kubernetes_node,node_name=n2 cpu_usage_nanocores=2i 2\n");
}

TEST_F(InfluxdbExporterTest, OneRequestPerBatchAndSamplesCountFields) {
  InfluxdbConfig c = v1();
  c.max_lines_per_request = 2;
  auto exporter = make(c);
  ASSERT_NE(exporter, nullptr);
  struct Recorder final : BatchEmitter {
    std::vector<ExportBatch> batches;
    bool emit(ExportBatch&& b) noexcept override {
      batches.push_back(std::move(b));
      return true;
    }
  } recorder;
  ASSERT_TRUE(exporter->encode(*nodes_snapshot(3), recorder).is_ok());
  ASSERT_EQ(recorder.batches.size(), 2u);
  EXPECT_EQ(recorder.batches[0].samples, 2u);
  EXPECT_EQ(recorder.batches[1].samples, 1u);
  EXPECT_EQ(recorder.batches[1].payload, "kubernetes_node,node_name=n3 cpu_usage_nanocores=3i 3\n");
  ASSERT_TRUE(exporter->consume(nodes_snapshot(3), soon()).is_ok());
  EXPECT_EQ(server_->request_count(), 2u);
}

TEST_F(InfluxdbExporterTest, MapsStatusCodes) {
  auto exporter = make(v1());
  ASSERT_NE(exporter, nullptr);
  ExportBatch batch;
  batch.payload = "m f=1i 1\n";
  batch.samples = 1;
  const std::pair<int, StatusCode> cases[] = {
      {204, StatusCode::kOk},        {200, StatusCode::kOk},        {400, StatusCode::kPermanent},
      {401, StatusCode::kPermanent}, {404, StatusCode::kPermanent}, {429, StatusCode::kRetryable},
      {500, StatusCode::kRetryable}, {503, StatusCode::kRetryable},
  };
  for (const auto& [http, code] : cases) {
    status_ = http;
    Status st = exporter->send(batch, soon());
    EXPECT_EQ(st.code(), code) << http << ": " << st.message();
    if (http >= 400) {
      EXPECT_THAT(st.message(), HasSubstr("influxdb write to http://127.0.0.1:" + std::to_string(server_->port()) +
                                          ": HTTP " + std::to_string(http)));
      EXPECT_THAT(st.message(), HasSubstr("field type conflict"));
    }
  }
}

TEST_F(InfluxdbExporterTest, RefusedConnectionIsRetryable) {
  InfluxdbConfig c = v1();
  const auto port = server_->port();
  server_->stop();
  server_.reset();
  c.url = "http://127.0.0.1:" + std::to_string(port);
  auto exporter = make(c);
  ASSERT_NE(exporter, nullptr);
  ExportBatch batch;
  batch.payload = "m f=1i 1\n";
  EXPECT_EQ(exporter->send(batch, soon()).code(), StatusCode::kRetryable);
}

TEST(WriteTargetTest, EscapesQueryValues) {
  EXPECT_EQ(query_escape("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(query_escape("a b&c=d+e/f?"), "a%20b%26c%3Dd%2Be%2Ff%3F");
  EXPECT_EQ(query_escape("é"), "%C3%A9");
  InfluxdbConfig c;
  c.database = "d";
  EXPECT_EQ(write_target(c, "/"), "/write?db=d&precision=ns");
  EXPECT_EQ(write_target(c, "/a/b//"), "/a/b/write?db=d&precision=ns");
}

}  // namespace
}  // namespace mpf::sinks::influxdb

#include "tests/test_common/test_pki.h"

namespace mpf::sinks::influxdb {
namespace {

// Over real TLS: InfluxDB behind https, verified with ca_file, with a client certificate it requires.
TEST(InfluxdbExporterTlsTest, VerifiesTheServerAndPresentsTheClientCertificate) {
  test::TestPki pki = test::TestPki::make();
  ASSERT_TRUE(pki.ok());
  test::TempDir dir;
  ASSERT_TRUE(core::write_pem_files(pki.ca, dir.file("ca.crt"), dir.file("ca.key")).is_ok());
  ASSERT_TRUE(core::write_pem_files(pki.client, dir.file("client.crt"), dir.file("client.key")).is_ok());
  test::LoopbackServerOptions o;
  o.certificate_pem = pki.server.certificate_pem;
  o.private_key_pem = pki.server.private_key_pem;
  o.client_ca_pem = pki.ca.certificate_pem;
  test::LoopbackServer server(o, [](const test::LoopbackRequest&) {
    test::LoopbackResponse r;
    r.status = 204;
    return r;
  });
  ASSERT_TRUE(server.start().is_ok());
  test::TestContext ctx;
  InfluxdbConfig c;
  c.url = "https://127.0.0.1:" + std::to_string(server.port());
  c.database = "k8s";
  c.ca_file = dir.file("ca.crt");
  c.client_certificate_file = dir.file("client.crt");
  c.client_key_file = dir.file("client.key");
  ASSERT_TRUE(validate_config(c).is_ok()) << validate_config(c).message();
  auto exporter = InfluxdbExporter::create(c, ctx);
  ASSERT_TRUE(exporter.is_ok()) << exporter.status().message();
  Status sent = (*exporter)->consume(nodes_snapshot(1), soon());
  EXPECT_TRUE(sent.is_ok()) << sent.message();
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.last_request().body, "kubernetes_node,node_name=n1 cpu_usage_nanocores=1i 1\n");

  c.ca_file.clear();  // the system roots do not know the test CA
  auto unverified = InfluxdbExporter::create(c, ctx);
  ASSERT_TRUE(unverified.is_ok());
  Status refused = (*unverified)->consume(nodes_snapshot(1), soon());
  EXPECT_EQ(refused.code(), StatusCode::kRetryable);
  EXPECT_THAT(refused.message(), HasSubstr("x509"));
  EXPECT_EQ(server.request_count(), 1u);
}

}  // namespace
}  // namespace mpf::sinks::influxdb
