#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace cicada::test {

/// A TCP relay on 127.0.0.1 that forwards each connection to `target_port`
/// and keeps a copy of every byte it carries, both ways: to check what a
/// link puts on the wire. Runs on a thread of its own until destroyed.
class TcpWiretap {
 public:
  explicit TcpWiretap(unsigned short target_port);
  ~TcpWiretap();
  TcpWiretap(const TcpWiretap&) = delete;
  TcpWiretap& operator=(const TcpWiretap&) = delete;

  unsigned short port() const { return port_; }
  /// Everything relayed so far, both directions in the order it came.
  std::string captured() const;

 private:
  void relay();

  unsigned short target_port_;
  unsigned short port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::string captured_;
  std::thread thread_;
};

}  // namespace cicada::test
