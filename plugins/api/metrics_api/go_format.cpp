#include "metrics_api/go_format.h"

#include <chrono>

#include "mpf/sdk/duration.h"

namespace mpf::api::metrics {
namespace {

void append_two(std::string& out, unsigned value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

void append_rfc3339_seconds(std::string& out, std::int64_t unix_ns) {
  using namespace std::chrono;
  // floor, not duration_cast: negative instants must round toward the past, as Go does.
  const sys_seconds t = floor<seconds>(sys_time<nanoseconds>(nanoseconds(unix_ns)));
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> hms(t - day);
  const int year = static_cast<int>(ymd.year());  // 1677..2262: always four digits.
  append_two(out, static_cast<unsigned>(year / 100));
  append_two(out, static_cast<unsigned>(year % 100));
  out += '-';
  append_two(out, static_cast<unsigned>(ymd.month()));
  out += '-';
  append_two(out, static_cast<unsigned>(ymd.day()));
  out += 'T';
  append_two(out, static_cast<unsigned>(hms.hours().count()));
  out += ':';
  append_two(out, static_cast<unsigned>(hms.minutes().count()));
  out += ':';
  append_two(out, static_cast<unsigned>(hms.seconds().count()));
  out += 'Z';
}

std::string rfc3339_seconds(std::int64_t unix_ns) {
  std::string out;
  append_rfc3339_seconds(out, unix_ns);
  return out;
}

std::string go_duration(std::int64_t ns) { return format_duration(std::chrono::nanoseconds(ns)); }

}  // namespace mpf::api::metrics
