#include "support/tcp_wiretap.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace cicada::test {
namespace {

int connect_loopback(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TcpWiretap::TcpWiretap(unsigned short target_port) : target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listener_);
    throw std::runtime_error("the wiretap cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { relay(); });
}

TcpWiretap::~TcpWiretap() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

std::string TcpWiretap::captured() const {
  std::lock_guard lock(mutex_);
  return captured_;
}

void TcpWiretap::relay() {
  // Pairs of descriptors: [2k] is the client's side, [2k + 1] the target's.
  std::vector<int> ends;
  char buffer[16384];
  while (!stopping_) {
    std::vector<pollfd> watched{{listener_, POLLIN, 0}};
    for (int fd : ends) watched.push_back({fd, POLLIN, 0});
    if (::poll(watched.data(), watched.size(), 50) <= 0) continue;
    if (watched[0].revents & POLLIN) {
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      const int target = client < 0 ? -1 : connect_loopback(target_port_);
      if (target >= 0) {
        ends.push_back(client);
        ends.push_back(target);
      } else if (client >= 0) {
        ::close(client);
      }
    }
    std::vector<std::size_t> closed_pairs;
    for (std::size_t i = 1; i < watched.size(); ++i) {
      if (!(watched[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const std::size_t end = i - 1;
      const int other = ends[end ^ 1];
      const ssize_t got = ::read(ends[end], buffer, sizeof buffer);
      if (got <= 0 || ::write(other, buffer, static_cast<std::size_t>(got)) != got) {
        closed_pairs.push_back(end / 2);
        continue;
      }
      std::lock_guard lock(mutex_);
      captured_.append(buffer, static_cast<std::size_t>(got));
    }
    // Close broken pairs, last first so the indexes stay right.
    for (auto pair = closed_pairs.rbegin(); pair != closed_pairs.rend(); ++pair) {
      if (pair != closed_pairs.rbegin() && *pair == *(pair - 1)) continue;
      ::close(ends[*pair * 2]);
      ::close(ends[*pair * 2 + 1]);
      ends.erase(ends.begin() + static_cast<std::ptrdiff_t>(*pair * 2),
                 ends.begin() + static_cast<std::ptrdiff_t>(*pair * 2 + 2));
    }
  }
  for (int fd : ends) ::close(fd);
}

}  // namespace cicada::test
