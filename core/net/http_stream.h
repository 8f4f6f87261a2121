#pragma once

// Streamed responses, for requests that stay open and deliver their body over minutes (Kubernetes watch
// requests: newline-delimited JSON events in a chunked body). Core only: plugins get mpf::HttpClient.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mpf/sdk/http_client.h"

namespace mpf::core {

// Receives a 200 response's body as it arrives, in pieces of any size (a piece may split a line or a
// JSON event anywhere). Return false to stop: the request then completes with a retryable "... cancelled"
// status and FailureReason::kInternal. Called on an engine thread, one call at a time for one request,
// never after the completion callback; `piece` is valid only during the call. Must not block. A throw
// is caught and counted (HttpEngineStats::callback_exceptions) and fails the request the same way.
using BodyChunkCallback = std::function<bool(std::string_view piece)>;

// Cancels one streamed request, from any thread. Idempotent. Unless the completion callback had
// already run, it then runs once, on an engine thread, with a retryable "... cancelled" status and
// FailureReason::kInternal. A no-op after completion and after the engine stopped (stop() has failed
// the request already). Destroying the handle does not cancel: the stream goes on until it ends.
class StreamHandle {
 public:
  virtual ~StreamHandle() = default;
  virtual void cancel() noexcept = 0;
};

// The body of a POST: the SDK's type (exporters post too).
using PostBody = mpf::HttpRequestBody;

// An HttpClient that can also stream and POST. Made by HttpEngine::make_streaming_client(); thread-safe.
class StreamingHttpClient : public mpf::HttpClient {
 public:
  // Like get(), except: when the status is 200, the body (chunked, Content-Length or read to EOF) goes
  // to on_body as it arrives and is neither collected nor limited by max_response_bytes; `done` then
  // gets an empty body. Any other status collects the body as get() does (capped by
  // max_response_bytes) and gives it to `done`. The request's deadline bounds the whole stream (callers
  // pass e.g. a watch's timeoutSeconds plus a margin); passing it fails the request with kTimeout. A
  // connection that delivered a stream is closed at the end, never reused. An empty on_body fails the
  // request with invalid_argument. Never returns null.
  virtual std::shared_ptr<StreamHandle> stream(mpf::HttpRequest request, BodyChunkCallback on_body,
                                               mpf::HttpCallback done) noexcept = 0;
};

}  // namespace mpf::core
