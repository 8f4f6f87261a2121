#include "tests/sim/request_handler.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "tests/sim/seeded_random.h"
#include "tests/sim/text_format.h"

namespace mpf::sim {
namespace {

enum class Route : uint8_t { kResource, kSummary, kNotFound };

constexpr uint64_t kGarbageStream = 0x6a7ba6e;
// Go's promhttp writes through a 4 KiB bufio.Writer, so chunks of the metrics body are about that size.
constexpr size_t kResourceChunkBytes = 4096;

Route route_of(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/metrics/resource") return Route::kResource;
  if (path == "/stats/summary") return Route::kSummary;
  return Route::kNotFound;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr std::string_view kTokenFileMarker = "\n@token-file:";

// The current content of a --require-token-file, trimmed; empty when unreadable. stat() on every call, the
// file read again only when it changed. Shared by the farm's I/O threads.
std::string file_token(const std::string& path) {
  struct Cached {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = -1;
    int64_t mtime_ns = -1;
    std::string token;
  };
  static std::mutex mu;
  static std::map<std::string, Cached, std::less<>> cache;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  const int64_t mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  std::lock_guard lock(mu);
  Cached& entry = cache[path];
  if (entry.device == info.st_dev && entry.inode == info.st_ino && entry.size == info.st_size &&
      entry.mtime_ns == mtime_ns) {
    return entry.token;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return {};
  const size_t first = text.find_first_not_of(" \t\r\n");
  const size_t last = text.find_last_not_of(" \t\r\n");
  entry = Cached{info.st_dev, info.st_ino, info.st_size, mtime_ns,
                 first == std::string::npos ? std::string() : text.substr(first, last - first + 1)};
  return entry.token;
}

// Like the apiserver's bearer token authenticator: "<scheme> <token>", scheme case-insensitive.
bool authorized(std::string_view header, const std::string& required) {
  if (required.empty()) return true;
  std::string from_file;
  if (required.rfind(kTokenFileMarker, 0) == 0) {
    from_file = file_token(required.substr(kTokenFileMarker.size()));
    if (from_file.empty()) return false;
  }
  const std::string& token = from_file.empty() ? required : from_file;
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  const size_t space = header.find(' ');
  if (space == std::string_view::npos || !equals_ignore_case(header.substr(0, space), "bearer")) return false;
  return header.substr(space + 1) == token;
}

bool accepts_gzip(std::string_view accept_encoding) {
  // Enough for what HTTP clients send ("gzip", "gzip, deflate", "br;q=1.0, gzip;q=0.8"); "gzip;q=0"
  // refuses it.
  const size_t at = accept_encoding.find("gzip");
  if (at == std::string_view::npos) return false;
  const std::string_view rest = accept_encoding.substr(at + 4);
  const bool refused = rest.rfind(";q=0", 0) == 0 && rest.find_first_not_of("0.", 4) >= rest.find_first_of(", ", 4);
  return !refused;
}

// A reusable gzip compressor per thread and level (deflateReset is much cheaper than deflateInit2).
class Gzipper {
 public:
  Gzipper() = default;
  ~Gzipper() {
    if (ready_) deflateEnd(&stream_);
  }
  Gzipper(const Gzipper&) = delete;
  Gzipper& operator=(const Gzipper&) = delete;

  bool compress(int level, std::string_view in, std::string& out) {
    if (ready_ && level != level_) {
      deflateEnd(&stream_);
      ready_ = false;
    }
    level_ = level;
    if (!ready_) {
      // windowBits 15 + 16: gzip wrapper, as Go's compress/gzip writes.
      if (deflateInit2(&stream_, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
      ready_ = true;
    } else if (deflateReset(&stream_) != Z_OK) {
      return false;
    }
    out.resize(deflateBound(&stream_, in.size()) + 64);
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream_.avail_in = static_cast<uInt>(in.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&stream_, Z_FINISH);
    out.resize(stream_.total_out);
    return rc == Z_STREAM_END;
  }

 private:
  int level_ = 0;
  bool ready_ = false;
  z_stream stream_{};
};

// "Date: ..." costs a calendar conversion; cache it for the current second.
void append_date_header(std::string& wire, int64_t now_ms) {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  const int64_t second = now_ms / 1000;
  if (second != cached_second) {
    cached.clear();
    append_http_date(cached, second);
    cached_second = second;
  }
  wire += "Date: ";
  wire += cached;
  wire += "\r\n";
}

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 200: return "OK";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    default: return "Internal Server Error";
  }
}

struct Head {
  unsigned status = 200;
  std::string_view content_type;
  bool gzip = false;
  bool chunked = false;
  bool close = false;
};

// Status line and headers, in the order Go's net/http writes them.
void append_head(std::string& wire, const Head& head, size_t content_length, int64_t now_ms) {
  wire += "HTTP/1.1 ";
  append_decimal(wire, uint64_t{head.status});
  wire.push_back(' ');
  wire += reason_phrase(head.status);
  wire += "\r\n";
  if (head.gzip) wire += "Content-Encoding: gzip\r\n";
  wire += "Content-Type: ";
  wire += head.content_type;
  wire += "\r\n";
  if (head.status >= 400) wire += "X-Content-Type-Options: nosniff\r\n";
  if (head.close) wire += "Connection: close\r\n";
  append_date_header(wire, now_ms);
  if (head.chunked) {
    wire += "Transfer-Encoding: chunked\r\n";
  } else {
    wire += "Content-Length: ";
    append_decimal(wire, uint64_t{content_length});
    wire += "\r\n";
  }
  wire += "\r\n";
}

void append_body(std::string& wire, std::string_view body, bool chunked, size_t chunk_bytes) {
  if (!chunked) {
    wire += body;
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t at = 0; at < body.size(); at += chunk_bytes) {
    const size_t n = std::min(chunk_bytes, body.size() - at);
    char size[16];
    int len = 0;
    for (size_t v = n; v > 0; v >>= 4) size[len++] = kHex[v & 0xf];
    std::reverse(size, size + len);
    wire.append(size, static_cast<size_t>(len));
    wire += "\r\n";
    wire.append(body.data() + at, n);
    wire += "\r\n";
  }
  wire += "0\r\n\r\n";
}

void simple_reply(Reply& reply, unsigned status, std::string_view body, bool close, int64_t now_ms) {
  Head head;
  head.status = status;
  head.content_type = "text/plain; charset=utf-8";
  head.close = close;
  append_head(reply.wire, head, body.size(), now_ms);
  reply.wire += body;
  reply.send_bytes = reply.wire.size();
  reply.close_after = close;
}

// Where to cut a body for kTruncated: inside the line that spans the middle, never at a line end.
size_t truncation_point(std::string_view body) {
  if (body.size() < 4) return body.size() / 2;
  const size_t middle = body.size() / 2;
  const size_t line_start = body.rfind('\n', middle) == std::string_view::npos ? 0 : body.rfind('\n', middle) + 1;
  size_t line_end = body.find('\n', middle);
  if (line_end == std::string_view::npos) line_end = body.size();
  if (line_end - line_start < 2) return middle;
  return line_start + (line_end - line_start) / 2;
}

}  // namespace

std::string token_file_reference(std::string_view path) {
  std::string reference(kTokenFileMarker);
  reference += path;
  return reference;
}

Action plan_request(const RequestView& request, FaultMode fault, const HandlerConfig& config) {
  if (!authorized(request.authorization, config.require_token)) return Action::kRespond;
  if (request.method != "GET" || route_of(request.target) == Route::kNotFound) return Action::kRespond;
  if (fault == FaultMode::kSlow) return Action::kDelayThenRespond;
  if (fault == FaultMode::kHang) return Action::kHang;
  return Action::kRespond;
}

void build_reply(const RequestView& request, FaultMode fault, const HandlerConfig& config, const ClusterModel& model,
                 size_t node, int64_t now_ms, uint64_t request_number, Reply& reply) {
  reply.wire.clear();
  reply.close_after = !request.keep_alive;
  const bool close = !request.keep_alive;
  if (!authorized(request.authorization, config.require_token)) {
    simple_reply(reply, 401, "Unauthorized", close, now_ms);
    return;
  }
  const Route route = route_of(request.target);
  if (route == Route::kNotFound) {
    simple_reply(reply, 404, "404 page not found\n", close, now_ms);
    return;
  }
  if (request.method != "GET") {
    simple_reply(reply, 405, "405: Method Not Allowed", close, now_ms);
    return;
  }
  if (fault == FaultMode::kHttp500) {
    simple_reply(reply, 500, "Internal Error: failed to get node stats: simulated kubelet failure\n", close, now_ms);
    return;
  }

  Head head;
  head.close = close;
  head.content_type = route == Route::kResource ? resource_metrics_content_type(config.shape) : "application/json";
  thread_local std::string body;
  body.clear();
  if (fault == FaultMode::kGarbage) {
    SeededRandom random(model.config().seed, {kGarbageStream, node, request_number});
    body.resize(4096 + random.uniform(0, 12288));
    for (char& c : body) c = static_cast<char>(random.next() & 0xff);
    body[0] = '\0';  // Never valid text, whatever the draw.
    append_head(reply.wire, head, body.size(), now_ms);
    reply.wire += body;
    reply.send_bytes = reply.wire.size();
    return;
  }

  if (route == Route::kResource) {
    render_resource_metrics(model, node, now_ms, ResourceMetricsOptions{config.shape}, body);
  } else {
    SummaryOptions summary;
    summary.pretty = config.pretty_summary;
    render_summary(model, node, now_ms, summary, body);
  }

  if (fault == FaultMode::kTruncated) {
    // Content-Length framing and plain text, so that the client sees a body cut mid-line.
    append_head(reply.wire, head, body.size(), now_ms);
    reply.send_bytes = reply.wire.size() + truncation_point(body);
    reply.wire += body;
    reply.close_after = true;
    return;
  }

  std::string_view payload = body;
  if (route == Route::kResource && config.gzip_level > 0 && accepts_gzip(request.accept_encoding)) {
    thread_local Gzipper gzipper;
    thread_local std::string compressed;
    if (gzipper.compress(config.gzip_level, body, compressed)) {
      payload = compressed;
      head.gzip = true;
    }
  }
  head.chunked = config.chunked;
  append_head(reply.wire, head, payload.size(), now_ms);
  append_body(reply.wire, payload, config.chunked, route == Route::kResource ? kResourceChunkBytes : payload.size());
  reply.send_bytes = reply.wire.size();
}

}  // namespace mpf::sim
