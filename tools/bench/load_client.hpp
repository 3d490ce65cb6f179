#pragma once
// A minimal blocking HTTP/1.1 keep-alive client for load generation: one socket, one request at
// a time, Content-Length bodies only (what fedflow answers). Cheaper per request than the
// product's asynchronous client, so the figures measure the server, not the generator.

#include <cstdint>
#include <string>

namespace fedflow::bench {

class LoadConnection final {
 public:
  LoadConnection(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}
  ~LoadConnection();
  LoadConnection(const LoadConnection&) = delete;
  LoadConnection& operator=(const LoadConnection&) = delete;

  /// Sends one request and reads the answer; returns the HTTP status (0 on a transport error,
  /// after which the next call reconnects).
  int Request(const std::string& method, const std::string& target, const std::string& body = "",
              std::string* answer = nullptr);

 private:
  bool Connect();
  void Close();

  std::string host_;
  std::uint16_t port_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace fedflow::bench
