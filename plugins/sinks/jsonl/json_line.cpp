#include "json_line.h"

#include <chrono>
#include <cstdio>

#include "mpf/sdk/go_strings.h"
#include "mpf/sdk/sample.h"

namespace mpf::sinks::jsonl {

std::string format_rfc3339_nanos(std::int64_t unix_ns) {
  using namespace std::chrono;
  const sys_time<nanoseconds> t{nanoseconds(unix_ns)};
  const sys_days day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss<nanoseconds> clock{t - day};
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%09lldZ", static_cast<int>(date.year()),
                        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                        static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                        static_cast<int>(clock.seconds().count()), static_cast<long long>(clock.subseconds().count()));
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string_view valid_utf8(std::string_view text, std::string& scratch) {
  std::size_t i = 0;
  // Names are nearly always ASCII or valid UTF-8: check without copying first.
  for (; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    auto [rune, size] = go::decode_utf8(text.substr(i));
    if (rune == 0xFFFD && size == 1) break;
    i += size;
  }
  if (i == text.size()) return text;
  scratch.assign(text.substr(0, i));
  while (i < text.size()) {
    auto [rune, size] = go::decode_utf8(text.substr(i));
    if (rune == 0xFFFD && size == 1) {
      scratch += "\xEF\xBF\xBD";
    } else {
      scratch.append(text.substr(i, size));
    }
    i += size;
  }
  return scratch;
}

void JsonLine::reset() {
  buffer_.Clear();
  writer_.Reset(buffer_);
  values_ = 0;
}

void JsonLine::key(std::string_view key) {
  writer_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void JsonLine::begin_object(std::string_view key) {
  this->key(key);
  writer_.StartObject();
}

void JsonLine::begin_array(std::string_view key) {
  this->key(key);
  writer_.StartArray();
}

void JsonLine::string(std::string_view key, std::string_view value) {
  this->key(key);
  std::string_view valid = valid_utf8(value, scratch_);
  writer_.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void JsonLine::string_if_set(std::string_view key, std::string_view value) {
  if (!value.empty()) string(key, value);
}

void JsonLine::uint(std::string_view key, std::uint64_t value) {
  this->key(key);
  writer_.Uint64(value);
}

void JsonLine::time(std::string_view key, std::int64_t unix_ns) {
  this->key(key);
  std::string text = format_rfc3339_nanos(unix_ns);
  writer_.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void JsonLine::seconds(std::string_view key, std::int64_t ns) {
  this->key(key);
  writer_.Double(static_cast<double>(ns) / 1e9);
}

void JsonLine::value(std::string_view key, std::uint64_t v) {
  uint(key, v);
  ++values_;
}

void JsonLine::usage(const Usage& usage, const UsageKeys& keys) {
  if ((usage.present & kHasCpu) != 0) {
    // The window belongs to the rate: without a rate it describes nothing.
    if (usage.window_ns > 0) seconds(keys.window_seconds, usage.window_ns);
    value(keys.cpu, usage.cpu_nanocores);
  }
  if ((usage.present & kHasMemory) != 0) value(keys.memory, usage.memory_working_set_bytes);
  if ((usage.present & kHasSwap) != 0) value(keys.swap, usage.swap_usage_bytes);
  if ((usage.present & kHasEphemeralStorage) != 0) value(keys.ephemeral_storage, usage.ephemeral_storage_bytes);
}

}  // namespace mpf::sinks::jsonl
