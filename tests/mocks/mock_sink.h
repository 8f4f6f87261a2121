#pragma once

#include <gmock/gmock.h>

#include <chrono>

#include "mpf/sdk/sink.h"

namespace mpf::test {

// Use as testing::StrictMock<MockSink> unless a test deliberately ignores some calls.
class MockSink : public mpf::Sink {
 public:
  MOCK_METHOD(mpf::Status, start, (), (noexcept, override));
  MOCK_METHOD(mpf::Status, consume,
              (const mpf::SnapshotPtr& snapshot, std::chrono::steady_clock::time_point deadline),
              (noexcept, override));
  MOCK_METHOD(void, stop, (), (noexcept, override));
};

}  // namespace mpf::test
