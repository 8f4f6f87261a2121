// Entry point of the `prometheus_remote_write` sink: the factory and registration. The options are
// declared in remote_write_config.cpp, the codec in series_encoder.cpp, the transport in
// remote_write_exporter.cpp.
#include "mpf/sdk/plugin.h"
#include "remote_write_config.h"
#include "remote_write_exporter.h"

namespace mpf::sinks::remote_write {

Result<SinkPtr> create_remote_write_sink(const RemoteWriteConfig& config, PluginContext& context) {
  Result<RemoteWriteSettings> settings = make_settings(config);
  if (!settings) return settings.status();
  // Reads the CA, certificate, key and token files now: a bad one fails start-up, naming the file.
  Result<std::shared_ptr<HttpClient>> client = context.make_http_client(settings->client);
  if (!client) return client.status();
  return SinkPtr(std::make_unique<RemoteWriteExporter>(std::move(*settings), std::move(*client)));
}

}  // namespace mpf::sinks::remote_write

MPF_SINK_PLUGIN(prometheus_remote_write, mpf::sinks::remote_write::kPluginVersion,
                "Sends node, pod and container usage to a Prometheus remote write 1.0 endpoint (protobuf + snappy).",
                mpf::sinks::remote_write::remote_write_options, mpf::sinks::remote_write::create_remote_write_sink)
