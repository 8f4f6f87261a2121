#include "core/auth/authentication_settings_source.h"

namespace mpf::core::auth {
namespace {

std::string configmap_key_of(const ConfigMapData& configmap) {
  return configmap.namespace_name + "/" + configmap.name;
}

}  // namespace

AuthenticationSettingsSource::AuthenticationSettingsSource(FixedAuthenticationParts fixed,
                                                           std::shared_ptr<StreamingHttpClient> client,
                                                           ApiServerConnection connection, Logger& logger,
                                                           SelfMetrics& metrics)
    : fixed_(std::move(fixed)),
      client_(std::move(client)),
      connection_(std::move(connection)),
      logger_(logger),
      metrics_(metrics),
      store_(&decode_configmap_list, &decode_configmap_event, &configmap_key_of) {
  current_.store(std::make_shared<const AuthenticationSettings>(AuthenticationSettings{fixed_.client_ca, fixed_.request_header}));
}

AuthenticationSettingsSource::~AuthenticationSettingsSource() { stop(); }

Status AuthenticationSettingsSource::start(std::chrono::milliseconds timeout, bool tolerate_failure) {
  if (!fixed_.lookup_client_ca && !fixed_.lookup_request_header) return Status::ok();
  if (!client_) return Status::invalid_argument("looking up the authentication ConfigMap needs an API server connection");
  ReflectorOptions options;
  options.resource = "configmaps";
  options.path = connection_.path_prefix + "/api/v1/namespaces/" + std::string(kAuthenticationConfigMapNamespace) +
                 "/configmaps";
  options.field_selector = "metadata.name=" + std::string(kAuthenticationConfigMapName);
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
  reflector_ = std::make_shared<Reflector>(
      io_, client_, connection_, options, store_, [this](bool) { on_change(); }, logger_, metrics_);
  reflector_->start();

  const auto until = std::chrono::steady_clock::now() + timeout;
  // Like the API server's one GET at start-up, the first failed list decides (the watch keeps
  // retrying in the background when the failure is tolerated).
  while (!reflector_->synced() && reflector_->health().is_ok() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (reflector_->synced()) return Status::ok();
  const Status health = reflector_->health();
  const std::string why = health.is_ok() ? "no answer within " + std::to_string(timeout.count()) + "ms" : health.message();
  if (why.find("403") != std::string::npos || why.find("orbidden") != std::string::npos) {
    logger_.warn("Unable to get configmap/" + std::string(kAuthenticationConfigMapName) + " in " +
                 std::string(kAuthenticationConfigMapNamespace) +
                 ". Usually fixed by 'kubectl create rolebinding -n kube-system ROLEBINDING_NAME "
                 "--role=extension-apiserver-authentication-reader --serviceaccount=YOUR_NS:YOUR_SA'");
  }
  if (!tolerate_failure) {
    return Status::invalid_argument("unable to load configmap based request-header-client-ca-file: " + why);
  }
  logger_.warn("Error looking up in-cluster authentication configuration: " + why);
  logger_.warn("Continuing without authentication configuration. This may treat all requests as anonymous.");
  logger_.warn("To require authentication configuration lookup to succeed, set --authentication-tolerate-lookup-failure=false");
  return Status::ok();
}

void AuthenticationSettingsSource::stop() {
  if (reflector_) reflector_->stop();
  if (thread_.joinable()) {
    work_.reset();
    thread_.join();
  }
}

void AuthenticationSettingsSource::on_change() {
  auto objects = store_.objects();
  const ConfigMapData* configmap = objects.empty() ? nullptr : objects.front().get();
  auto merged = merge_authentication_settings(fixed_, configmap);
  if (!merged) {
    if (merged.status().message() != last_error_) {
      last_error_ = merged.status().message();
      logger_.warn("Keeping the previous authentication settings", {{"err", last_error_}});
    }
    return;
  }
  last_error_.clear();
  current_.store(std::make_shared<const AuthenticationSettings>(std::move(*merged)));
  logger_.info_v(2, "Loaded authentication settings",
                 {{"configmap", configmap ? "present" : "absent"},
                  {"requestheader", current_.load()->request_header ? "on" : "off"},
                  {"client-ca", current_.load()->client_ca ? "on" : "off"}});
}

}  // namespace mpf::core::auth
