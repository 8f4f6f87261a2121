#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>
#include <boost/system/error_code.hpp>

namespace mpf::core {

// A Beast body type for responses that either collects the body into a string, capped, or hands it to a
// sink piece by piece as it arrives. Beast makes the reader together with the parser but calls init()
// only on the first read after the header, so a sink set once the header is in (knowing the status
// code) takes every byte of the body, whatever its framing: Content-Length, chunked or read to EOF.
struct ResponseBody {
  struct value_type {
    std::string data;  // the collected body; stays empty when streamed
    // Collected bodies longer than this fail with http::error::body_limit. The parser's own
    // body_limit checks before the body arrives; this one also holds when that limit is lifted.
    std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
    // Set before the body's first byte is read: the body goes here instead. Returning false stops
    // the read with errc::operation_canceled.
    std::function<bool(std::string_view piece)> sink;
    bool streamed = false;  // set by the reader: the body went to sink
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& content_length, boost::system::error_code& ec) {
      ec = {};
      body_.streamed = static_cast<bool>(body_.sink);
      if (body_.streamed || !content_length) return;
      // Checked before reserving: a server must not make us allocate whatever it announces.
      if (*content_length > body_.limit) {
        ec = boost::beast::http::error::body_limit;
        return;
      }
      body_.data.reserve(static_cast<std::size_t>(*content_length));
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
      ec = {};
      std::size_t taken = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        const boost::asio::const_buffer buffer = *it;
        const std::string_view piece(static_cast<const char*>(buffer.data()), buffer.size());
        if (piece.empty()) continue;
        if (body_.streamed) {
          if (!body_.sink(piece)) {
            ec = make_error_code(boost::system::errc::operation_canceled);
            return taken;
          }
        } else {
          if (piece.size() > body_.limit - body_.data.size()) {
            ec = boost::beast::http::error::body_limit;
            return taken;
          }
          body_.data.append(piece);
        }
        taken += piece.size();
      }
      return taken;
    }

    void finish(boost::system::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace mpf::core
