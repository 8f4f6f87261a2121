#include "influxdb_exporter.h"

#include <exception>
#include <fstream>
#include <sstream>

#include "mpf/sdk/gzip.h"
#include "write_target.h"

namespace mpf::sinks::influxdb {

namespace {

// A secret file's content without the trailing newline editors and `echo` leave. Read once, at
// start-up: rotating the secret means restarting the server.
Result<std::string> read_secret_file(const std::string& path, std::string_view option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument(std::string(option) + ": cannot read \"" + path + "\"");
  std::ostringstream content;
  content << in.rdbuf();
  std::string secret = content.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) {
    secret.pop_back();
  }
  if (secret.empty()) return Status::invalid_argument(std::string(option) + ": \"" + path + "\" is empty");
  return secret;
}

// The Authorization header value, or empty for none (1.x without authentication).
Result<std::string> authorization(const InfluxdbConfig& c) {
  if (c.version == "2") {
    if (!c.token.empty()) return "Token " + c.token;
    Result<std::string> token = read_secret_file(c.token_file, "token_file");
    if (!token) return token.status();
    return "Token " + *token;
  }
  if (c.username.empty()) return std::string();
  if (!c.password.empty()) return basic_authorization(c.username, c.password);
  Result<std::string> password = read_secret_file(c.password_file, "password_file");
  if (!password) return password.status();
  return basic_authorization(c.username, *password);
}

}  // namespace

Result<std::unique_ptr<InfluxdbExporter>> InfluxdbExporter::create(const InfluxdbConfig& c,
                                                                    PluginContext& context) noexcept {
  try {
    Result<HttpEndpoint> endpoint = parse_http_endpoint(c.url);
    if (!endpoint) return Status::invalid_argument("url: " + endpoint.status().message());
    Result<std::string> auth = authorization(c);
    if (!auth) return auth.status();

    HttpClientOptions client_options;
    client_options.tls = endpoint->tls;
    client_options.ca_file = c.ca_file;
    client_options.client_certificate_file = c.client_certificate_file;
    client_options.client_key_file = c.client_key_file;
    client_options.insecure_skip_verify = c.insecure_skip_verify;
    client_options.max_response_bytes = 1u << 20;  // error bodies only (InfluxDB answers 204 when all is well)
    Result<std::shared_ptr<HttpClient>> client = context.make_http_client(client_options);
    if (!client) return client.status();

    Headers headers;
    if (!auth->empty()) headers.emplace_back("Authorization", std::move(*auth));
    if (c.gzip) headers.emplace_back("Content-Encoding", "gzip");
    std::string what = "influxdb write to " + std::string(endpoint->tls ? "https://" : "http://") +
                       (endpoint->host.find(':') != std::string::npos ? "[" + endpoint->host + "]" : endpoint->host) +
                       ":" + std::to_string(endpoint->port);
    endpoint->target = write_target(c, endpoint->target);

    PointEncoderOptions encoder_options;
    encoder_options.extra_tags = c.tags;
    encoder_options.max_lines_per_batch = static_cast<std::size_t>(c.max_lines_per_request);
    encoder_options.totals = c.totals;
    return std::unique_ptr<InfluxdbExporter>(new InfluxdbExporter(std::move(encoder_options), c.gzip,
                                                                  std::move(*endpoint), std::move(headers),
                                                                  std::move(*client), std::move(what)));
  } catch (const std::exception& e) {
    return Status::permanent(std::string("influxdb: creating the exporter failed: ") + e.what());
  }
}

InfluxdbExporter::InfluxdbExporter(PointEncoderOptions encoder_options, bool gzip, HttpEndpoint endpoint,
                                   Headers headers, std::shared_ptr<HttpClient> client, std::string what)
    : encoder_(std::move(encoder_options)),
      gzip_(gzip),
      endpoint_(std::move(endpoint)),
      headers_(std::move(headers)),
      client_(std::move(client)),
      what_(std::move(what)) {}

Status InfluxdbExporter::encode(const Snapshot& snapshot, BatchEmitter& emitter) noexcept {
  try {
    Status failure;
    encoder_.encode(snapshot, [&](std::string&& lines, std::size_t fields) {
      ExportBatch batch;
      batch.samples = fields;
      if (gzip_) {
        batch.payload = gzip_compress(lines);
        if (batch.payload.empty()) {
          failure = Status::permanent("influxdb: gzip compression failed");
          return false;
        }
      } else {
        batch.payload = std::move(lines);
      }
      return emitter.emit(std::move(batch));
    });
    return failure;
  } catch (const std::exception& e) {  // allocation only
    return Status::permanent(std::string("influxdb: encoding failed: ") + e.what());
  }
}

Status InfluxdbExporter::send(const ExportBatch& batch, std::chrono::steady_clock::time_point deadline) noexcept {
  try {
    HttpRequestBody body;
    body.content_type = "text/plain; charset=utf-8";
    body.content = batch.payload;
    return post_and_wait(*client_, endpoint_, std::move(body), headers_, deadline, what_);
  } catch (const std::exception& e) {  // allocation only
    return Status::retryable(what_ + ": " + e.what());
  }
}

}  // namespace mpf::sinks::influxdb
