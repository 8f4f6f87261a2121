#include "core/auth/review_webhook.h"

#include "core/auth/json_tree.h"

namespace mpf::core::auth {
namespace {

// The message of a Status body, or the body itself (shortened) when it is something else.
std::string status_message(std::string_view body) {
  auto tree = parse_json(body);
  if (tree && tree->is_object()) {
    if (std::string message = tree->string_member("message"); !message.empty()) return message;
  }
  return std::string(body.substr(0, 256));
}

}  // namespace

ReviewWebhook::ReviewWebhook(std::shared_ptr<StreamingHttpClient> client, const ApiServerConnection& connection,
                             std::string resource, std::string path, std::chrono::milliseconds timeout,
                             SelfMetrics& metrics, std::string metric, std::string metric_help)
    : client_(std::move(client)),
      host_(connection.host),
      port_(connection.port),
      resource_(std::move(resource)),
      target_(connection.path_prefix + path),
      timeout_(timeout),
      metrics_(metrics),
      metric_(std::move(metric)),
      metric_help_(std::move(metric_help)) {}

void ReviewWebhook::post(std::string body, Done done) const {
  HttpRequest request;
  request.host = host_;
  request.port = port_;
  request.target = target_;
  request.headers = {{"Accept", "application/json"}};
  request.deadline = std::chrono::steady_clock::now() + timeout_;
  client_->post(std::move(request), PostBody{"application/json", std::move(body)},
                [this, done = std::move(done)](const Status& transport, FailureReason, const HttpResponse& response) {
                  if (!transport.is_ok()) {
                    metrics_.counter(metric_, metric_help_, {{"code", "<error>"}})->inc();
                    done(Status::retryable(resource_ + ": " + transport.message()));
                    return;
                  }
                  metrics_.counter(metric_, metric_help_, {{"code", std::to_string(response.status_code)}})->inc();
                  if (response.status_code != 200 && response.status_code != 201) {
                    done(Status::retryable(resource_ + ": HTTP " + std::to_string(response.status_code) + ": " +
                                           status_message(response.body)));
                    return;
                  }
                  done(std::string(response.body));
                });
}

}  // namespace mpf::core::auth
