// Names and ports for tests that run in parallel: a name no other test process or case uses (for
// temporary directories, PostgreSQL schemas, resources), and a loopback port nothing listens on.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <string>

namespace bulwark::testing {

// "<pid>_<counter>_<random>": unique across processes and within one.
inline std::string Unique() {
  static std::atomic<int> counter{0};
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(std::random_device{}());
}

// A port on 127.0.0.1 that nothing listens on (bound once to learn a free one, then closed).
inline int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace bulwark::testing
