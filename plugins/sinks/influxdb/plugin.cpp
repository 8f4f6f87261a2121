// Entry point of the `influxdb` sink: options, factory, registration.
#include "influxdb_config.h"
#include "influxdb_exporter.h"
#include "mpf/sdk/plugin.h"

namespace mpf::sinks::influxdb {

const OptionSet<InfluxdbConfig>& influxdb_options() {
  using C = InfluxdbConfig;
  static const auto options =
      OptionSet<C>()
          .add("url", &C::url, "Base URL of InfluxDB, e.g. http://influxdb:8086; /write or /api/v2/write is appended",
               kRequired)
          .add("version", &C::version, "\"1\" (InfluxDB 1.x, /write) or \"2\" (InfluxDB 2.x and Cloud, /api/v2/write)")
          .add("database", &C::database, "1.x: the database (required with version 1)")
          .add("retention_policy", &C::retention_policy, "1.x: the retention policy; empty: the database's default")
          .add("org", &C::org, "2.x: the organization (required with version 2)")
          .add("bucket", &C::bucket, "2.x: the bucket (required with version 2)")
          .add("token", &C::token, "2.x: the API token, sent as Authorization: Token")
          .add("token_file", &C::token_file, "2.x: a file holding the API token, read at start-up")
          .add("username", &C::username, "1.x: user name, sent with Authorization: Basic")
          .add("password", &C::password, "1.x: password of username")
          .add("password_file", &C::password_file, "1.x: a file holding the password, read at start-up")
          .add("tags", &C::tags, "Extra tags on every line, e.g. {cluster: prod}")
          .add("gzip", &C::gzip, "Compress request bodies (Content-Encoding: gzip)")
          .add("max_lines_per_request", &C::max_lines_per_request, "Lines per write request (at least 1)")
          .add("totals", &C::totals, "Also write kubernetes_namespace and kubernetes_cluster totals")
          .add("ca_file", &C::ca_file, "https: PEM CA bundle to verify InfluxDB with; empty: the system's roots")
          .add("client_certificate_file", &C::client_certificate_file, "https: PEM client certificate (mutual TLS)")
          .add("client_key_file", &C::client_key_file, "https: PEM key of client_certificate_file")
          .add("insecure_skip_verify", &C::insecure_skip_verify, "https: do not verify the server's certificate");
  return options;
}

Result<SinkPtr> create_influxdb_sink(const InfluxdbConfig& config, PluginContext& context) {
  if (Status st = validate_config(config); !st.is_ok()) return st;
  Result<std::unique_ptr<InfluxdbExporter>> exporter = InfluxdbExporter::create(config, context);
  if (!exporter) return exporter.status();
  return SinkPtr(std::move(*exporter));
}

}  // namespace mpf::sinks::influxdb

MPF_SINK_PLUGIN(influxdb, "0.1.0", "Writes node, pod and container usage to InfluxDB 1.x or 2.x in line protocol.",
                mpf::sinks::influxdb::influxdb_options, mpf::sinks::influxdb::create_influxdb_sink)
