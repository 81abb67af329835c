#pragma once

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "cicada/core/asio.hpp"

namespace cicada::test {

/// A raw TCP server on loopback that answers each request (read up to its
/// blank line) with the next reply of a script, byte for byte, the last one
/// repeating: for targets that misbehave in ways a real server will not.
/// Runs on the given loop; port from the OS.
///
/// After a reply listed in `close_after` (indices into `replies`) the server
/// closes the connection in the same turn of the loop as it wrote: the client
/// finds the bytes and the end of the stream waiting together, as it does
/// when a server crashes right behind its bytes.
class ScriptedServer {
 public:
  ScriptedServer(asio::io_context& io, std::vector<std::string> replies,
                 std::vector<std::size_t> close_after = {})
      : io_(io),
        acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}),
        replies_(std::move(replies)),
        close_after_(std::move(close_after)) {
    asio::co_spawn(io_, accept(this), asio::detached);
  }
  ~ScriptedServer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port()); }
  int requests() const { return requests_; }
  int connections() const { return connections_; }

 private:
  static awaitable<void> accept(ScriptedServer* self) {
    while (true) {
      boost::system::error_code error;
      auto socket = std::make_shared<asio::ip::tcp::socket>(
          co_await self->acceptor_.async_accept(asio::redirect_error(use_awaitable, error)));
      if (error) co_return;
      ++self->connections_;
      asio::co_spawn(self->io_, serve(self, socket), asio::detached);
    }
  }

  static awaitable<void> serve(ScriptedServer* self,
                               std::shared_ptr<asio::ip::tcp::socket> socket) {
    std::string pending;
    while (true) {
      boost::system::error_code error;
      const std::size_t head =
          co_await asio::async_read_until(*socket, asio::dynamic_buffer(pending), "\r\n\r\n",
                                          asio::redirect_error(use_awaitable, error));
      if (error) co_return;
      pending.erase(0, head);
      const std::size_t index =
          std::min(static_cast<std::size_t>(self->requests_), self->replies_.size() - 1);
      ++self->requests_;
      const std::string reply = self->replies_[index];
      if (std::find(self->close_after_.begin(), self->close_after_.end(), index) !=
          self->close_after_.end()) {
        asio::write(*socket, asio::buffer(reply), error);
        socket->close(error);
        co_return;
      }
      co_await asio::async_write(*socket, asio::buffer(reply),
                                 asio::redirect_error(use_awaitable, error));
      if (error) co_return;
    }
  }

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<std::string> replies_;
  std::vector<std::size_t> close_after_;
  int requests_ = 0;
  int connections_ = 0;
};

}  // namespace cicada::test
