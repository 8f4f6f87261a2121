#include "core/net/http_stream.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/net/http_engine.h"
#include "tests/core/net/http_test_support.h"
#include "tests/test_common/loopback_https_server.h"
#include "tests/test_common/test_pki.h"

namespace mpf::core {
namespace {

using ::testing::HasSubstr;
using test::LoopbackPiece;
using test::LoopbackRequest;
using test::LoopbackResponse;
using test::LoopbackServer;
using test::make_request;
using test::Outcome;
using test::Pending;

// What on_body saw, in state shared with the engine's threads (a test that gives up waiting never leaves
// the engine a dangling reference). Also checks the callback's promises: one call at a time, none after
// the completion callback.
class BodyRecorder {
 public:
  explicit BodyRecorder(const Pending& pending) : state_(std::make_shared<State>()) { state_->pending = pending; }

  // `decide` says what on_body returns (default: go on); it may throw.
  BodyChunkCallback callback(std::function<bool(std::string_view)> decide = nullptr) const {
    return [state = state_, decide = std::move(decide)](std::string_view piece) {
      if (state->active.fetch_add(1) != 0) state->overlapped = true;
      {
        std::lock_guard lock(state->mutex);
        if (state->pending.done()) state->after_done = true;
        state->pieces.emplace_back(piece);
        state->bytes += piece.size();
        state->changed.notify_all();
      }
      state->active.fetch_sub(1);
      return decide ? decide(piece) : true;
    };
  }

  // A server-side gate that opens once on_body has seen `bytes` bytes.
  std::function<bool()> seen(std::size_t bytes) const {
    return [state = state_, bytes] {
      std::lock_guard lock(state->mutex);
      return state->bytes >= bytes;
    };
  }

  bool wait_for_bytes(std::size_t bytes) const {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, std::chrono::seconds(60), [&] { return state_->bytes >= bytes; });
  }

  std::vector<std::string> pieces() const {
    std::lock_guard lock(state_->mutex);
    return state_->pieces;
  }
  std::string body() const {
    std::string out;
    for (const auto& piece : pieces()) out += piece;
    return out;
  }
  bool broke_promises() const {
    std::lock_guard lock(state_->mutex);
    return state_->after_done || state_->overlapped;
  }

 private:
  struct State {
    Pending pending;
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> pieces;
    std::size_t bytes = 0;
    bool after_done = false;
    std::atomic<int> active{0};
    std::atomic<bool> overlapped{false};
  };
  std::shared_ptr<State> state_;
};

// One streamed request: its completion, its pieces and its handle.
struct StreamCall {
  Pending pending;
  BodyRecorder body{pending};
  std::shared_ptr<StreamHandle> handle;
};

class HttpStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = test::TestPki::make();
    ASSERT_TRUE(pki_.ok());
    engine_ = std::make_unique<HttpEngine>();
    ASSERT_TRUE(engine_->start().is_ok());
    options_.ca_pem = pki_.ca.certificate_pem;
  }
  void TearDown() override { engine_->stop(); }

  // The server answers every request with what `respond` makes, given the call's recorder (for gates).
  void serve(std::function<LoopbackResponse()> respond, bool tls = true) {
    test::LoopbackServerOptions options;
    options.tls = tls;
    options.certificate_pem = pki_.server.certificate_pem;
    options.private_key_pem = pki_.server.private_key_pem;
    server_ = std::make_unique<LoopbackServer>(options, [respond](const LoopbackRequest&) { return respond(); });
    Status st = server_->start();
    ASSERT_TRUE(st.is_ok()) << st.message();
  }

  std::shared_ptr<StreamingHttpClient> client() {
    if (!client_) {
      auto made = engine_->make_streaming_client(options_);
      EXPECT_TRUE(made.is_ok()) << made.status().message();
      if (made.is_ok()) client_ = *made;
    }
    return client_;
  }

  void start(StreamCall& call, std::function<bool(std::string_view)> decide = nullptr,
             std::chrono::steady_clock::duration timeout = std::chrono::seconds(60)) {
    call.handle = client()->stream(make_request(server_->port(), "127.0.0.1", timeout, "/api/v1/pods?watch=1"),
                                   call.body.callback(std::move(decide)), call.pending.callback());
    ASSERT_NE(call.handle, nullptr);
  }

  // Starts and waits for completion.
  Outcome run(StreamCall& call, std::function<bool(std::string_view)> decide = nullptr) {
    start(call, std::move(decide));
    EXPECT_TRUE(call.pending.wait()) << "the stream never completed";
    EXPECT_FALSE(call.body.broke_promises());
    return call.pending.outcome();
  }

  test::TestPki pki_;
  std::unique_ptr<HttpEngine> engine_;
  HttpClientOptions options_;
  std::shared_ptr<StreamingHttpClient> client_;
  std::unique_ptr<LoopbackServer> server_;
};

// Pieces sent as soon as the server gets to them.
std::vector<LoopbackPiece> pieces(std::initializer_list<std::string> parts) {
  std::vector<LoopbackPiece> out;
  for (const auto& part : parts) out.push_back({part, {}, nullptr});
  return out;
}

// Watch events, each piece sent only once the client has seen everything before it: so every piece is
// a separate arrival, and on_body provably saw the first ones while the response was still open.
std::vector<LoopbackPiece> gated_events(const BodyRecorder& body, int count) {
  std::vector<LoopbackPiece> pieces;
  std::size_t sent = 0;
  for (int i = 1; i <= count; ++i) {
    LoopbackPiece piece;
    piece.data = "{\"type\":\"ADDED\",\"object\":{\"n\":" + std::to_string(i) + "}}\n";
    if (i > 1) piece.gate = body.seen(sent);
    if (i == 2) piece.delay = std::chrono::milliseconds(50);  // and the server pauses once, too
    sent += piece.data.size();
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

std::string joined(const std::vector<LoopbackPiece>& pieces) {
  std::string out;
  for (const auto& piece : pieces) out += piece.data;
  return out;
}

TEST_F(HttpStreamTest, PostsABodyAndCollectsTheAnswer) {
  // What the reviews of delegated authentication do: POST JSON, read a 201.
  std::mutex mutex;
  std::vector<LoopbackRequest> seen;
  test::LoopbackServerOptions server_options;
  server_options.certificate_pem = pki_.server.certificate_pem;
  server_options.private_key_pem = pki_.server.private_key_pem;
  server_ = std::make_unique<LoopbackServer>(server_options, [&](const LoopbackRequest& request) {
    std::lock_guard lock(mutex);
    seen.push_back(request);
    LoopbackResponse response;
    response.status = 201;
    response.content_type = "application/json";
    response.body = R"({"kind":"TokenReview"})";
    return response;
  });
  ASSERT_TRUE(server_->start().is_ok());
  for (int i = 0; i < 2; ++i) {  // the second on the kept-alive connection
    Pending pending;
    client()->post(make_request(server_->port(), "127.0.0.1", std::chrono::seconds(30), "/apis/authentication.k8s.io/v1/tokenreviews"),
                   PostBody{"application/json", R"({"spec":{"token":"t)" + std::to_string(i) + R"("}})"},
                   pending.callback());
    ASSERT_TRUE(pending.wait());
    EXPECT_TRUE(pending.outcome().status.is_ok()) << pending.outcome().status.message();
    EXPECT_EQ(pending.outcome().status_code, 201);
    EXPECT_EQ(pending.outcome().body, R"({"kind":"TokenReview"})");
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(seen[i].method, "POST");
    EXPECT_EQ(seen[i].target, "/apis/authentication.k8s.io/v1/tokenreviews");
    EXPECT_EQ(seen[i].header("content-type"), "application/json");
    EXPECT_EQ(seen[i].body, R"({"spec":{"token":"t)" + std::to_string(i) + R"("}})");
    EXPECT_EQ(seen[i].header("content-length"), std::to_string(seen[i].body.size()));
  }
  EXPECT_EQ(seen[1].connection, seen[0].connection);
}

TEST_F(HttpStreamTest, StreamsAChunkedBodyAsItArrives) {
  StreamCall call;
  const auto events = gated_events(call.body, 4);
  serve([&] {
    LoopbackResponse response;
    response.content_type = "application/json";
    response.chunked = true;
    response.pieces = events;
    return response;
  });
  Outcome out = run(call);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.status_code, 200);
  EXPECT_EQ(out.content_type, "application/json");
  EXPECT_EQ(out.body, "");  // it went to on_body
  EXPECT_EQ(call.body.body(), joined(events));
  EXPECT_GE(call.body.pieces().size(), 4u);
  EXPECT_EQ(server_->last_request().target, "/api/v1/pods?watch=1");
}

TEST_F(HttpStreamTest, StreamsAContentLengthBody) {
  StreamCall call;
  const auto events = gated_events(call.body, 3);
  serve([&] {
    LoopbackResponse response;
    response.pieces = events;
    return response;
  });
  Outcome out = run(call);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.status_code, 200);
  EXPECT_EQ(out.body, "");
  EXPECT_EQ(call.body.body(), joined(events));
  EXPECT_GE(call.body.pieces().size(), 3u);
}

TEST_F(HttpStreamTest, StreamsABodyThatEndsWithTheConnection) {
  StreamCall call;
  const auto events = gated_events(call.body, 3);
  serve([&] {
    LoopbackResponse response;
    response.pieces = events;
    response.until_eof = true;
    return response;
  });
  Outcome out = run(call);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(call.body.body(), joined(events));
  EXPECT_GE(call.body.pieces().size(), 3u);
}

TEST_F(HttpStreamTest, StreamsABodyFarLargerThanMaxResponseBytes) {
  options_.max_response_bytes = 1024;
  std::string big;
  for (int i = 0; big.size() < (1u << 20); ++i) big += "{\"type\":\"MODIFIED\",\"n\":" + std::to_string(i) + "}\n";
  for (const bool chunked : {true, false}) {
    SCOPED_TRACE(chunked ? "chunked" : "content-length");
    serve([&] {
      LoopbackResponse response;
      response.chunked = chunked;
      for (std::size_t at = 0; at < big.size(); at += 16384) {
        response.pieces.push_back({big.substr(at, 16384), {}, nullptr});
      }
      return response;
    });
    StreamCall call;
    Outcome out = run(call);
    ASSERT_TRUE(out.status.is_ok()) << out.status.message();
    EXPECT_TRUE(call.body.body() == big) << "streamed " << call.body.body().size() << " of " << big.size() << " bytes";
    server_.reset();
  }
}

TEST_F(HttpStreamTest, CollectsOtherStatusesForTheCompletionAsGetDoes) {
  const std::string gone = R"({"kind":"Status","reason":"Expired","code":410})";
  for (const int status : {410, 500}) {
    SCOPED_TRACE(status);
    serve([&] {
      LoopbackResponse response;
      response.status = status;
      response.content_type = "application/json";
      response.chunked = status == 500;
      response.pieces = pieces({gone.substr(0, 10), gone.substr(10)});
      return response;
    });
    StreamCall call;
    Outcome out = run(call);
    ASSERT_TRUE(out.status.is_ok()) << out.status.message();  // a response arrived
    EXPECT_EQ(out.status_code, status);
    EXPECT_EQ(out.body, gone);
    EXPECT_TRUE(call.body.pieces().empty());
    server_.reset();
  }
}

TEST_F(HttpStreamTest, CapsOtherStatusesByMaxResponseBytes) {
  options_.max_response_bytes = 100;
  for (const bool chunked : {true, false}) {
    SCOPED_TRACE(chunked ? "chunked" : "content-length");
    serve([&] {
      LoopbackResponse response;
      response.status = 500;
      response.chunked = chunked;
      response.pieces = pieces({std::string(80, 'x'), std::string(80, 'y')});
      return response;
    });
    StreamCall call;
    Outcome out = run(call);
    EXPECT_EQ(out.reason, FailureReason::kTooLarge) << out.status.message();
    EXPECT_THAT(out.status.message(), HasSubstr("exceeds the limit of 100 bytes"));
    EXPECT_TRUE(call.body.pieces().empty());
    server_.reset();
  }
}

TEST_F(HttpStreamTest, BodyCallbackReturningFalseCancels) {
  serve([] {
    LoopbackResponse response;
    response.chunked = true;
    response.pieces = pieces({"{\"type\":\"ADDED\"}\n"});
    response.hang = true;  // the body never ends: only the callback can
    return response;
  });
  StreamCall call;
  Outcome out = run(call, [](std::string_view) { return false; });
  EXPECT_EQ(out.calls, 1);
  EXPECT_TRUE(out.status.is_retryable());
  EXPECT_EQ(out.reason, FailureReason::kInternal);
  EXPECT_THAT(out.status.message(), HasSubstr("cancelled"));
  EXPECT_EQ(call.body.pieces().size(), 1u);
}

TEST_F(HttpStreamTest, BodyCallbackThrowingFailsTheRequestAndIsCounted) {
  serve([] {
    LoopbackResponse response;
    response.chunked = true;
    response.pieces = pieces({"{\"type\":\"ADDED\"}\n"});
    response.hang = true;
    return response;
  });
  StreamCall call;
  Outcome out = run(call, [](std::string_view) -> bool { throw std::runtime_error("bad event"); });
  EXPECT_TRUE(out.status.is_retryable());
  EXPECT_EQ(out.reason, FailureReason::kInternal);
  EXPECT_THAT(out.status.message(), HasSubstr("bad event"));
  EXPECT_EQ(engine_->stats().callback_exceptions, 1u);
}

// The server sent the header and one event, then nothing: the stream is open and idle, as a watch is
// between events.
LoopbackResponse open_idle_stream() {
  LoopbackResponse response;
  response.chunked = true;
  response.pieces = pieces({"{\"type\":\"ADDED\"}\n"});
  response.hang = true;
  return response;
}

TEST_F(HttpStreamTest, CancelFromAnotherThreadEndsAnIdleStreamPromptly) {
  serve(open_idle_stream);
  StreamCall call;
  start(call, nullptr, std::chrono::minutes(5));
  ASSERT_TRUE(call.body.wait_for_bytes(1));
  const auto cancelled_at = std::chrono::steady_clock::now();
  std::thread([handle = call.handle] { handle->cancel(); }).join();
  ASSERT_TRUE(call.pending.wait());
  Outcome out = call.pending.outcome();
  EXPECT_TRUE(out.status.is_retryable());
  EXPECT_EQ(out.reason, FailureReason::kInternal);
  EXPECT_THAT(out.status.message(), HasSubstr("cancelled"));
  EXPECT_LT(out.completed_at - cancelled_at, std::chrono::seconds(30));  // the deadline was 5 minutes off
  EXPECT_FALSE(call.body.broke_promises());
}

TEST_F(HttpStreamTest, CancelBeforeTheHeaderArrives) {
  serve([] {
    LoopbackResponse response;
    response.hang = true;
    return response;
  });
  StreamCall call;
  start(call, nullptr, std::chrono::minutes(5));
  call.handle->cancel();
  ASSERT_TRUE(call.pending.wait());
  EXPECT_THAT(call.pending.outcome().status.message(), HasSubstr("cancelled"));
}

TEST_F(HttpStreamTest, CancelIsIdempotentAndANoOpAfterCompletion) {
  serve([] {
    LoopbackResponse response;
    response.chunked = true;
    response.pieces = pieces({"{\"type\":\"ADDED\"}\n"});
    return response;
  });
  StreamCall call;
  Outcome out = run(call);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  call.handle->cancel();
  call.handle->cancel();

  StreamCall twice;
  server_.reset();
  serve(open_idle_stream);
  start(twice, nullptr, std::chrono::minutes(5));
  ASSERT_TRUE(twice.body.wait_for_bytes(1));
  twice.handle->cancel();
  twice.handle->cancel();
  ASSERT_TRUE(twice.pending.wait());
  // A late cancel cannot reach the engine after its own completion either.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(call.pending.outcome().calls, 1);
  EXPECT_EQ(twice.pending.outcome().calls, 1);
}

TEST_F(HttpStreamTest, DroppingTheHandleDoesNotCancel) {
  StreamCall call;
  const auto events = gated_events(call.body, 3);
  serve([&] {
    LoopbackResponse response;
    response.chunked = true;
    response.pieces = events;
    return response;
  });
  start(call);
  call.handle.reset();
  ASSERT_TRUE(call.pending.wait());
  Outcome out = call.pending.outcome();
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(call.body.body(), joined(events));
}

TEST_F(HttpStreamTest, TheDeadlineEndsAStalledStream) {
  serve(open_idle_stream);
  StreamCall call;
  start(call, nullptr, std::chrono::seconds(2));
  ASSERT_TRUE(call.pending.wait());
  Outcome out = call.pending.outcome();
  EXPECT_EQ(out.reason, FailureReason::kTimeout) << out.status.message();
  EXPECT_THAT(out.status.message(), HasSubstr("context deadline exceeded"));
  EXPECT_LE(call.body.pieces().size(), 1u);  // normally 1; 0 only on a machine too slow to connect in time
  EXPECT_FALSE(call.body.broke_promises());
}

TEST_F(HttpStreamTest, EngineStopAbortsAnOpenStream) {
  serve(open_idle_stream);
  StreamCall call;
  start(call, nullptr, std::chrono::minutes(5));
  ASSERT_TRUE(call.body.wait_for_bytes(1));
  engine_->stop();
  ASSERT_TRUE(call.pending.done()) << "stop() returned before the stream's callback ran";
  Outcome out = call.pending.outcome();
  EXPECT_TRUE(out.status.is_retryable());
  EXPECT_EQ(out.reason, FailureReason::kInternal);
  EXPECT_THAT(out.status.message(), HasSubstr("shutting down"));
  EXPECT_EQ(engine_->stats().shutdown_aborts, 1u);
  call.handle->cancel();  // after stop: nothing left to cancel
  EXPECT_EQ(call.pending.outcome().calls, 1);
  EXPECT_FALSE(call.body.broke_promises());
}

TEST_F(HttpStreamTest, AStoppedEngineFailsAStreamAtOnce) {
  serve(open_idle_stream);
  ASSERT_NE(client(), nullptr);
  engine_->stop();
  StreamCall call;
  start(call);
  ASSERT_TRUE(call.pending.done());
  EXPECT_THAT(call.pending.outcome().status.message(), HasSubstr("shutting down"));
  call.handle->cancel();
}

TEST_F(HttpStreamTest, AStreamWithoutABodyCallbackIsRefused) {
  serve(open_idle_stream);
  Pending pending;
  auto handle = client()->stream(make_request(server_->port()), nullptr, pending.callback());
  ASSERT_NE(handle, nullptr);
  ASSERT_TRUE(pending.wait());
  EXPECT_EQ(pending.outcome().status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(server_->request_count(), 0u);
}

TEST_F(HttpStreamTest, AConnectionThatCarriedAStreamIsNotReused) {
  serve([] {
    LoopbackResponse response;
    response.chunked = true;
    response.pieces = pieces({"{\"type\":\"ADDED\"}\n"});
    return response;
  });
  StreamCall call;
  ASSERT_TRUE(run(call).status.is_ok());
  Outcome plain = test::fetch(*client(), make_request(server_->port()));
  ASSERT_TRUE(plain.status.is_ok()) << plain.status.message();
  EXPECT_EQ(plain.body, "{\"type\":\"ADDED\"}\n");  // the same client's get() collects as usual
  EXPECT_EQ(server_->accepted_connections(), 2u);
}

TEST_F(HttpStreamTest, StreamsOverPlainHttp) {
  options_ = HttpClientOptions{};
  options_.tls = false;
  StreamCall call;
  const auto events = gated_events(call.body, 3);
  serve(
      [&] {
        LoopbackResponse response;
        response.pieces = events;
        response.until_eof = true;
        return response;
      },
      false);
  Outcome out = run(call);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(call.body.body(), joined(events));
}

}  // namespace
}  // namespace mpf::core
