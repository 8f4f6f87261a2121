#include "tests/sim/text_format.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace mpf::sim {
namespace {

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Howard Hinnant's days_from_civil inverse: proleptic Gregorian date of a day count since 1970-01-01.
CivilDate civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

void append_two_digits(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

void append_decimal(std::string& out, uint64_t value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void append_decimal(std::string& out, int64_t value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void append_go_float(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  // to_chars in scientific form gives the same shortest round-trip digits as Go; only the layout
  // (fixed or exponent) differs, and that is decided below with Go's rule.
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  const bool negative = s.front() == '-';
  if (negative) s.remove_prefix(1);
  const size_t e = s.find('e');
  int exponent = 0;
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), exponent);
  if (value == 0) exponent = 0;
  if (exponent < -4 || exponent >= 6) {
    out.append(buf, r.ptr);  // "d.ddde+XX": Go prints the same, with at least two exponent digits.
    return;
  }
  char digits[24];
  size_t count = 0;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits[count++] = c;
  }
  if (negative) out.push_back('-');
  const int point = exponent + 1;  // Digits before the decimal point.
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out.append(digits, count);
  } else if (static_cast<size_t>(point) >= count) {
    out.append(digits, count);
    out.append(static_cast<size_t>(point) - count, '0');
  } else {
    out.append(digits, static_cast<size_t>(point));
    out.push_back('.');
    out.append(digits + point, count - static_cast<size_t>(point));
  }
}

void append_rfc3339_seconds(std::string& out, int64_t unix_ns) {
  const int64_t seconds = floor_div(unix_ns, 1000000000);
  const int64_t days = floor_div(seconds, 86400);
  const auto in_day = static_cast<unsigned>(seconds - days * 86400);
  const CivilDate date = civil_from_days(days);
  append_decimal(out, date.year);
  out.push_back('-');
  append_two_digits(out, date.month);
  out.push_back('-');
  append_two_digits(out, date.day);
  out.push_back('T');
  append_two_digits(out, in_day / 3600);
  out.push_back(':');
  append_two_digits(out, in_day / 60 % 60);
  out.push_back(':');
  append_two_digits(out, in_day % 60);
  out.push_back('Z');
}

void append_http_date(std::string& out, int64_t unix_seconds) {
  static constexpr const char* kWeekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t days = floor_div(unix_seconds, 86400);
  const auto in_day = static_cast<unsigned>(unix_seconds - days * 86400);
  const CivilDate date = civil_from_days(days);
  out += kWeekdays[((days % 7) + 7) % 7];  // 1970-01-01 was a Thursday.
  out += ", ";
  append_two_digits(out, date.day);
  out.push_back(' ');
  out += kMonths[date.month - 1];
  out.push_back(' ');
  append_decimal(out, date.year);
  out.push_back(' ');
  append_two_digits(out, in_day / 3600);
  out.push_back(':');
  append_two_digits(out, in_day / 60 % 60);
  out.push_back(':');
  append_two_digits(out, in_day % 60);
  out += " GMT";
}

}  // namespace mpf::sim
