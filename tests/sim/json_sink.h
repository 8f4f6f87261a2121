#pragma once

#include <string>

namespace mpf::sim {

// RapidJSON output stream that appends to a std::string, so JSON is written straight into a reused buffer.
class JsonStringSink {
 public:
  using Ch = char;
  explicit JsonStringSink(std::string& out) : out_(out) {}
  void Put(char c) { out_.push_back(c); }
  void Flush() {}

 private:
  std::string& out_;
};

}  // namespace mpf::sim
