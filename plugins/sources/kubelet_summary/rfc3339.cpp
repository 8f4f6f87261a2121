#include "rfc3339.h"

namespace mpf::sources::kubelet_summary {
namespace {

constexpr std::int64_t kNanosPerSecond = 1000000000;
constexpr std::int64_t kSecondsPerDay = 86400;

// Howard Hinnant's days_from_civil: proleptic Gregorian date -> days since 1970-01-01, exact for
// every year, without tables, locale or time zone database.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

// The inverse, for formatting.
constexpr void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` decimal digits at p; false if any is not a digit.
bool read_digits(const char* p, int count, int& value) {
  int v = 0;
  for (int i = 0; i < count; ++i) {
    if (!is_digit(p[i])) return false;
    v = v * 10 + (p[i] - '0');
  }
  value = v;
  return true;
}

constexpr bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

}  // namespace

TimeParse parse_rfc3339(std::string_view text, std::int64_t& ns) {
  // "YYYY-MM-DDTHH:MM:SS" is 19 bytes and a zone needs at least one more.
  const std::size_t n = text.size();
  if (n < 20) return TimeParse::kMalformed;
  const char* p = text.data();
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(p, 4, year) || p[4] != '-' || !read_digits(p + 5, 2, month) || p[7] != '-' ||
      !read_digits(p + 8, 2, day) || p[10] != 'T' || !read_digits(p + 11, 2, hour) || p[13] != ':' ||
      !read_digits(p + 14, 2, minute) || p[16] != ':' || !read_digits(p + 17, 2, second)) {
    return TimeParse::kMalformed;
  }
  std::size_t i = 19;
  std::int64_t fraction_ns = 0;
  if (p[i] == '.') {
    ++i;
    const std::size_t first = i;
    int digits = 0;
    for (; i < n && is_digit(p[i]); ++i) {
      if (digits < 9) {
        fraction_ns = fraction_ns * 10 + (p[i] - '0');
        ++digits;
      }
    }
    if (i == first) return TimeParse::kMalformed;
    for (; digits < 9; ++digits) fraction_ns *= 10;
  }
  if (i >= n) return TimeParse::kMalformed;
  int offset_seconds = 0;
  if (p[i] == 'Z') {
    ++i;
  } else if (p[i] == '+' || p[i] == '-') {
    int offset_hours = 0, offset_minutes = 0;
    if (n - i < 6 || !read_digits(p + i + 1, 2, offset_hours) || p[i + 3] != ':' ||
        !read_digits(p + i + 4, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return TimeParse::kMalformed;
    }
    offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (p[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return TimeParse::kMalformed;
  }
  if (i != n) return TimeParse::kMalformed;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60) {
    return TimeParse::kMalformed;
  }
  // Local time minus the offset is UTC. Years 0..9999 keep this far inside int64 seconds.
  std::int64_t seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                                   kSecondsPerDay +
                               hour * 3600 + minute * 60 + second - offset_seconds;
  // Before 1970 the whole seconds are negative and the fraction positive; borrowing one second keeps
  // the product in range down to the very first representable nanosecond (1677-09-21T00:12:43.145224192Z).
  if (seconds < 0 && fraction_ns > 0) {
    seconds += 1;
    fraction_ns -= kNanosPerSecond;
  }
  std::int64_t whole_ns = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &whole_ns) ||
      __builtin_add_overflow(whole_ns, fraction_ns, &whole_ns)) {
    return TimeParse::kOutOfRange;
  }
  ns = whole_ns;
  return TimeParse::kOk;
}

std::size_t format_rfc3339_utc(std::int64_t ns, char* out) {
  // Floor division so that times before 1970 get a positive fraction.
  std::int64_t seconds = ns / kNanosPerSecond;
  std::int64_t fraction = ns % kNanosPerSecond;
  if (fraction < 0) {
    fraction += kNanosPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / kSecondsPerDay;
  std::int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  auto put = [&out](std::size_t at, std::int64_t value, int width) {
    for (int k = width - 1; k >= 0; --k) {
      out[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, year, 4);
  out[4] = '-';
  put(5, month, 2);
  out[7] = '-';
  put(8, day, 2);
  out[10] = 'T';
  put(11, second_of_day / 3600, 2);
  out[13] = ':';
  put(14, second_of_day / 60 % 60, 2);
  out[16] = ':';
  put(17, second_of_day % 60, 2);
  std::size_t length = 19;
  if (fraction != 0) {
    out[length++] = '.';
    int digits = 9;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    put(length, fraction, digits);
    length += static_cast<std::size_t>(digits);
  }
  out[length++] = 'Z';
  return length;
}

}  // namespace mpf::sources::kubelet_summary
