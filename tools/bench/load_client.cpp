#include "tools/bench/load_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace fedflow::bench {

LoadConnection::~LoadConnection() { Close(); }

void LoadConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool LoadConnection::Connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
    return false;
  }
  return true;
}

int LoadConnection::Request(const std::string& method, const std::string& target, const std::string& body,
                            std::string* answer) {
  if (fd_ < 0 && !Connect()) return 0;
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      Close();
      return 0;
    }
    sent += static_cast<std::size_t>(n);
  }
  // Headers, then exactly Content-Length bytes of body.
  std::size_t header_end;
  char chunk[16384];
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      Close();
      return 0;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  int status = std::atoi(buffer_.c_str() + 9);
  std::size_t length = 0;
  std::size_t at = 0;
  while ((at = buffer_.find('\n', at)) != std::string::npos && at < header_end) {
    ++at;
    if (strncasecmp(buffer_.c_str() + at, "content-length:", 15) == 0) length = std::strtoul(buffer_.c_str() + at + 15, nullptr, 10);
  }
  const std::size_t total = header_end + 4 + length;
  while (buffer_.size() < total) {
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      Close();
      return 0;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  if (answer) *answer = buffer_.substr(header_end + 4, length);
  buffer_.erase(0, total);
  return status;
}

}  // namespace fedflow::bench
