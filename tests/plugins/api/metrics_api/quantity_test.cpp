#include "metrics_api/quantity.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <regex>
#include <string>

#include "tests/plugins/api/metrics_api/test_util.h"

namespace mpf::api::metrics {
namespace {

TEST(CpuQuantity, ReferenceExamples) {
  EXPECT_EQ(cpu_quantity(116246336), "116246336n");
  EXPECT_EQ(cpu_quantity(5000000), "5m");
  EXPECT_EQ(cpu_quantity(1500000), "1500u");
  EXPECT_EQ(cpu_quantity(1000000000), "1");
  EXPECT_EQ(cpu_quantity(0), "0");
  EXPECT_EQ(cpu_quantity(2500000000), "2500m");
  EXPECT_EQ(cpu_quantity(3055400), "3055400n");
  EXPECT_EQ(cpu_quantity(10000000), "10m");  // table_test.go row "10m"
  // The website fixtures.
  EXPECT_EQ(cpu_quantity(487558164), "487558164n");
  EXPECT_EQ(cpu_quantity(9559630), "9559630n");
}

TEST(CpuQuantity, ExponentsBetweenSuffixesMoveDownToAMultipleOfThree) {
  EXPECT_EQ(cpu_quantity(10), "10n");
  EXPECT_EQ(cpu_quantity(100), "100n");
  EXPECT_EQ(cpu_quantity(1000), "1u");
  EXPECT_EQ(cpu_quantity(10000000000), "10");
  EXPECT_EQ(cpu_quantity(1000000000000), "1k");
  EXPECT_EQ(cpu_quantity(1000000000000000000), "1G");
  EXPECT_EQ(cpu_quantity(10000000000000000000u), "10G");
  EXPECT_EQ(cpu_quantity(9223372036854775807), "9223372036854775807n");
}

TEST(CpuQuantity, AboveInt64MaxDropsTheLastDigitLikeMetricsServer) {
  EXPECT_EQ(cpu_quantity(9223372036854775808u), "9223372036854775800n");
  EXPECT_EQ(cpu_quantity(std::numeric_limits<std::uint64_t>::max()), "18446744073709551610n");
  EXPECT_EQ(cpu_quantity(12000000000000000009u), "12G");
}

TEST(MemoryQuantity, ReferenceExamples) {
  EXPECT_EQ(memory_quantity(12533760), "12240Ki");
  EXPECT_EQ(memory_quantity(52428800), "50Mi");
  EXPECT_EQ(memory_quantity(12533761), "12533761");
  EXPECT_EQ(memory_quantity(1024), "1Ki");
  EXPECT_EQ(memory_quantity(1073741824), "1Gi");
  EXPECT_EQ(memory_quantity(1616273408), "1578392Ki");
  EXPECT_EQ(memory_quantity(5 * 1024 * 1024), "5Mi");
  EXPECT_EQ(memory_quantity(4620 * 1024), "4620Ki");
  EXPECT_EQ(memory_quantity(732212 * 1024), "732212Ki");
  EXPECT_EQ(memory_quantity(22244 * 1024), "22244Ki");
}

TEST(MemoryQuantity, BelowKibiIsDecimalSiIncludingGosOneK) {
  EXPECT_EQ(memory_quantity(0), "0");
  EXPECT_EQ(memory_quantity(1), "1");
  EXPECT_EQ(memory_quantity(999), "999");
  EXPECT_EQ(memory_quantity(1000), "1k");
  EXPECT_EQ(memory_quantity(1010), "1010");
  EXPECT_EQ(memory_quantity(1023), "1023");
  // From 1024 on it is BinarySI, so decimal-looking values stay plain.
  EXPECT_EQ(memory_quantity(2000), "2000");
  EXPECT_EQ(memory_quantity(1000000), "1000000");
  EXPECT_EQ(memory_quantity(1536), "1536");
}

TEST(MemoryQuantity, LargeValues) {
  EXPECT_EQ(memory_quantity(std::uint64_t{1} << 60), "1Ei");
  EXPECT_EQ(memory_quantity(std::uint64_t{7} << 60), "7Ei");
  EXPECT_EQ(memory_quantity(std::uint64_t{1} << 50), "1Pi");
  EXPECT_EQ(memory_quantity(9223372036854775807), "9223372036854775807");
  // Above int64 max: (v/10)*10, then 1024 factors (metrics-server's uint64Quantity + big-number path).
  EXPECT_EQ(memory_quantity(std::uint64_t{1} << 63), "9223372036854775800");
  EXPECT_EQ(memory_quantity(std::numeric_limits<std::uint64_t>::max()), "18446744073709551610");
  EXPECT_EQ(memory_quantity(std::uint64_t{15} << 60), "15Ei");  // a multiple of 10: nothing lost
  EXPECT_EQ(memory_quantity(std::uint64_t{3} << 62), "13835058055282163710");
}

// The kubectl printer fixture's input quantities are resource.MustParse strings; they re-encode to
// Go's canonical String() of the parsed value: themselves, except "0.2" which Go prints as "200m".
std::uint64_t parse_simple_quantity(const std::string& text, bool& binary) {
  static const std::pair<const char*, std::uint64_t> kBinary[] = {
      {"Ki", 1ull << 10}, {"Mi", 1ull << 20}, {"Gi", 1ull << 30}, {"Ti", 1ull << 40}};
  binary = false;
  for (const auto& [suffix, factor] : kBinary) {
    if (text.ends_with(suffix)) {
      binary = true;
      return std::stoull(text.substr(0, text.size() - 2)) * factor;
    }
  }
  if (text.ends_with("m")) return std::stoull(text.substr(0, text.size() - 1)) * 1000000;
  // Plain cores, possibly with a fraction ("0.2"), in nanocores.
  const std::size_t dot = text.find('.');
  std::uint64_t nanocores = std::stoull(text.substr(0, dot)) * 1000000000;
  if (dot != std::string::npos) {
    std::string fraction = text.substr(dot + 1);
    fraction.resize(9, '0');
    nanocores += std::stoull(fraction);
  }
  return nanocores;
}

TEST(Quantity, KubectlPrinterFixtureInputsRoundTrip) {
  const std::string fixture = testing::read_fixture("kubectl-top-printer-cases-kubectl-tests.json");
  ASSERT_FALSE(fixture.empty());
  const std::regex usage(R"re("usage": \{\s*"cpu": "([^"]+)",\s*"memory": "([^"]+)")re");
  int seen = 0;
  for (auto it = std::sregex_iterator(fixture.begin(), fixture.end(), usage); it != std::sregex_iterator(); ++it) {
    bool binary = false;
    const std::string cpu = (*it)[1];
    const std::string memory = (*it)[2];
    EXPECT_EQ(cpu_quantity(parse_simple_quantity(cpu, binary)), cpu == "0.2" ? "200m" : cpu);
    const std::uint64_t bytes = parse_simple_quantity(memory, binary);
    ASSERT_TRUE(binary) << memory;
    EXPECT_EQ(memory_quantity(bytes), memory);
    ++seen;
  }
  EXPECT_GE(seen, 9);
}

// An independent formulation: pick the largest suffix that divides the value exactly.
std::string reference_cpu(std::uint64_t n) {
  if (n > 9223372036854775807u) n = n / 10 * 10;
  if (n == 0) return "0";
  static const char* const kSuffix[] = {"n", "u", "m", "", "k", "M", "G"};
  std::uint64_t divisor = 1000000000000000000u;
  for (int i = 6; i >= 0; --i, divisor /= 1000) {
    if (n % divisor == 0) return std::to_string(n / divisor) + kSuffix[i];
  }
  return "unreachable";
}

std::string reference_memory(std::uint64_t n) {
  if (n > 9223372036854775807u) n = n / 10 * 10;
  if (n < 1024) return n == 1000 ? "1k" : std::to_string(n);
  static const char* const kSuffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  for (int i = 6; i >= 0; --i) {
    const std::uint64_t divisor = std::uint64_t{1} << (10 * i);
    if (n % divisor == 0) return std::to_string(n / divisor) + kSuffix[i];
  }
  return "unreachable";
}

TEST(Quantity, BruteForceAgainstIndependentImplementation) {
  for (std::uint64_t n = 0; n < 300000; ++n) {
    ASSERT_EQ(cpu_quantity(n), reference_cpu(n)) << n;
    ASSERT_EQ(memory_quantity(n), reference_memory(n)) << n;
  }
  std::mt19937_64 random(42);
  for (int i = 0; i < 300000; ++i) {
    std::uint64_t n = random() >> (random() % 64);
    // Bias toward exact multiples so every suffix is exercised.
    switch (i % 4) {
      case 1: for (int k = random() % 19; k > 0 && n >= 10; --k) n = n / 10 * 10; break;
      case 2: n &= ~((std::uint64_t{1} << (random() % 64)) - 1); break;
      case 3: { std::uint64_t p = 1; for (int k = random() % 19; k > 0; --k) p *= 10; n = (n % 1000) * p; } break;
      default: break;
    }
    ASSERT_EQ(cpu_quantity(n), reference_cpu(n)) << n;
    ASSERT_EQ(memory_quantity(n), reference_memory(n)) << n;
  }
}

TEST(Quantity, AppendFormsAppend) {
  std::string out = "x=";
  append_cpu_quantity(out, 5000000);
  out += ',';
  append_memory_quantity(out, 1024);
  EXPECT_EQ(out, "x=5m,1Ki");
}

}  // namespace
}  // namespace mpf::api::metrics
