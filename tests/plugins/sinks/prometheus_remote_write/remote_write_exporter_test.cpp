#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "plugin_options.h"
#include "remote_write_decoder.h"
#include "test_snapshots.h"
#include "tests/test_common/loopback_https_server.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

namespace mpf::sinks::remote_write {
namespace {

using ::testing::HasSubstr;
using test::PluginOptions;

// Keeps every batch, as the host's runtime would hand them to send().
struct CollectingEmitter final : BatchEmitter {
  std::vector<ExportBatch> batches;
  bool emit(ExportBatch&& batch) noexcept override {
    batches.push_back(std::move(batch));
    return true;
  }
};

// A remote-write receiver on 127.0.0.1 answering with whatever the test sets.
class Receiver {
 public:
  Receiver()
      : server_(plain_http(), [this](const mpf::test::LoopbackRequest&) {
          std::lock_guard lock(mutex_);
          return answer_;
        }) {
    EXPECT_TRUE(server_.start().is_ok());
    answer(204, "");
  }
  void answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    answer_.status = status;
    answer_.body = std::move(body);
    answer_.content_type = "text/plain";
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/api/v1/write"; }
  mpf::test::LoopbackServer& server() { return server_; }

 private:
  static mpf::test::LoopbackServerOptions plain_http() {
    mpf::test::LoopbackServerOptions options;
    options.tls = false;
    return options;
  }

  std::mutex mutex_;
  mpf::test::LoopbackResponse answer_;
  mpf::test::LoopbackServer server_;
};

std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

class RemoteWriteExporterTest : public ::testing::Test {
 protected:
  // Declared before the sink: the context's engine outlives it.
  mpf::test::TestContext ctx_;
  Receiver receiver_;
  SinkPtr sink_;

  Exporter& make(PluginOptions options) {
    auto made = test::create_sink(options, ctx_);
    EXPECT_TRUE(made.is_ok()) << made.status().message();
    sink_ = std::move(*made);
    return *sink_->as_exporter();
  }
  ExportBatch one_batch(Exporter& exporter) {
    CollectingEmitter emitter;
    EXPECT_TRUE(exporter.encode(test::nodes_only(1), emitter).is_ok());
    EXPECT_EQ(emitter.batches.size(), 1u);
    return emitter.batches.empty() ? ExportBatch{} : std::move(emitter.batches[0]);
  }
};

TEST_F(RemoteWriteExporterTest, EncodeEmitsSnappyBlocksOfAtMostMaxSamples) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()).set("max_samples_per_request", "5")
                                .set_map("external_labels", {{"cluster", "prod"}}));
  CollectingEmitter emitter;
  ASSERT_TRUE(exporter.encode(test::small_snapshot(), emitter).is_ok());
  // 16 series (see SeriesEncoderTest.WritesEverySeriesOfASnapshot) in requests of 5, 5, 5 and 1.
  ASSERT_EQ(emitter.batches.size(), 4u);
  const std::size_t want[] = {5, 5, 5, 1};
  for (std::size_t i = 0; i < 4; ++i) {
    bool ok = false;
    auto series = test::decode_payload(emitter.batches[i].payload, &ok);
    ASSERT_TRUE(ok) << "batch " << i << " is not a snappy block holding a WriteRequest";
    EXPECT_EQ(series.size(), want[i]);
    EXPECT_EQ(emitter.batches[i].samples, want[i]);
    for (const auto& s : series) EXPECT_EQ(s.label("cluster"), "prod");
  }
  auto last = test::decode_payload(emitter.batches[3].payload);
  EXPECT_EQ(last[0].label("__name__"), "k8s_cluster_memory_working_set_bytes");
  EXPECT_EQ(last[0].value, 1050624);
}

TEST_F(RemoteWriteExporterTest, EncodeStopsWhenTheHostWantsNoMore) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()).set("max_samples_per_request", "1"));
  struct Refusing final : BatchEmitter {
    int calls = 0;
    bool emit(ExportBatch&&) noexcept override {
      ++calls;
      return false;
    }
  } refusing;
  EXPECT_TRUE(exporter.encode(test::small_snapshot(), refusing).is_ok());  // not a failure
  EXPECT_EQ(refusing.calls, 1);
}

TEST_F(RemoteWriteExporterTest, SendPostsTheBatchWithTheProtocolHeaders) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()).set_map("headers", {{"X-Scope-OrgID", "team-a"}}));
  ExportBatch batch = one_batch(exporter);
  ASSERT_TRUE(exporter.send(batch, soon()).is_ok());
  ASSERT_EQ(receiver_.server().request_count(), 1u);
  const auto request = receiver_.server().last_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/write");
  EXPECT_EQ(request.header("content-type"), "application/x-protobuf");
  EXPECT_EQ(request.header("content-encoding"), "snappy");
  EXPECT_EQ(request.header("x-prometheus-remote-write-version"), "0.1.0");
  EXPECT_EQ(request.header("user-agent"), "mpf-remote-write/0.1.0");
  EXPECT_EQ(request.header("x-scope-orgid"), "team-a");
  EXPECT_EQ(request.header("authorization"), "");
  EXPECT_EQ(request.body, batch.payload);
  auto series = test::decode_payload(request.body);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].label("node"), "node-0");
}

TEST_F(RemoteWriteExporterTest, ServerErrorsAndThrottlingAreRetryable) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()));
  ExportBatch batch = one_batch(exporter);
  receiver_.answer(500, "ingester unavailable");
  Status five_hundred = exporter.send(batch, soon());
  EXPECT_EQ(five_hundred.code(), StatusCode::kRetryable);
  EXPECT_THAT(five_hundred.message(), HasSubstr("HTTP 500: ingester unavailable"));
  receiver_.answer(429, "slow down");
  EXPECT_EQ(exporter.send(batch, soon()).code(), StatusCode::kRetryable);
  receiver_.answer(200, "");
  EXPECT_TRUE(exporter.send(batch, soon()).is_ok());
}

TEST_F(RemoteWriteExporterTest, ClientErrorsArePermanentWithTheReceiversText) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()));
  receiver_.answer(400, "out of order sample\n");
  Status status = exporter.send(one_batch(exporter), soon());
  EXPECT_EQ(status.code(), StatusCode::kPermanent);
  EXPECT_THAT(status.message(), HasSubstr("remote write to " + receiver_.url() + ": HTTP 400: out of order sample"));
}

TEST_F(RemoteWriteExporterTest, AnUnreachableReceiverIsRetryable) {
  std::string url;
  {
    Receiver gone;
    url = gone.url();
  }  // its listening socket is closed: connecting is refused
  Exporter& exporter = make(PluginOptions().set("url", url));
  Status status = exporter.send(one_batch(exporter), soon());
  EXPECT_EQ(status.code(), StatusCode::kRetryable);
  EXPECT_THAT(status.message(), HasSubstr("remote write to " + url));
}

TEST_F(RemoteWriteExporterTest, BasicAuthSendsTheExactHeader) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()).set("basic_auth_username", "alice")
                                .set("basic_auth_password", "s3cret"));
  ASSERT_TRUE(exporter.send(one_batch(exporter), soon()).is_ok());
  EXPECT_EQ(receiver_.server().last_request().header("authorization"), "Basic YWxpY2U6czNjcmV0");  // base64("alice:s3cret")
}

TEST_F(RemoteWriteExporterTest, BasicAuthPasswordFileLosesItsTrailingNewline) {
  mpf::test::TempDir dir;
  ASSERT_TRUE(mpf::test::write_text(dir.file("password"), "pa:ss\n"));
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()).set("basic_auth_username", "bob")
                                .set("basic_auth_password_file", dir.file("password")));
  ASSERT_TRUE(exporter.send(one_batch(exporter), soon()).is_ok());
  EXPECT_EQ(receiver_.server().last_request().header("authorization"), "Basic Ym9iOnBhOnNz");  // base64("bob:pa:ss")
}

TEST_F(RemoteWriteExporterTest, BearerTokenIsSentByTheClient) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()).set("bearer_token", "tok-123"));
  ASSERT_TRUE(exporter.send(one_batch(exporter), soon()).is_ok());
  EXPECT_EQ(receiver_.server().last_request().header("authorization"), "Bearer tok-123");
}

TEST_F(RemoteWriteExporterTest, ConsumeSendsEveryBatchOnce) {
  Exporter& exporter = make(PluginOptions().set("url", receiver_.url()).set("max_samples_per_request", "4"));
  auto snapshot = std::make_shared<const Snapshot>(test::small_snapshot());
  ASSERT_TRUE(exporter.consume(snapshot, soon()).is_ok());
  const auto received = receiver_.server().received();
  ASSERT_EQ(received.size(), 4u);  // 16 series / 4
  std::size_t series = 0;
  for (const auto& r : received) series += test::decode_payload(r.body).size();
  EXPECT_EQ(series, 16u);
}

}  // namespace
}  // namespace mpf::sinks::remote_write
