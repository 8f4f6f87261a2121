#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

// Scratch files and ports for tests that start servers or processes.

namespace mpf::test {

/// A private directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / ("mpf_test_" + std::string(6, 'X'))).string();  // mkdtemp template
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

/// A port in [20000, 32000): high, below Linux's ephemeral range, and random so parallel tests rarely
/// meet. Callers retry on "address in use".
inline std::uint16_t random_port() {
  static std::mt19937 generator(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  return static_cast<std::uint16_t>(20000 + generator() % 12000);
}

}  // namespace mpf::test
