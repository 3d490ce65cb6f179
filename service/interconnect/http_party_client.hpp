#pragma once
// PartyClient over HTTP (service/http/http_client.hpp) with a route table. Commands to this
// party itself are dispatched in-process (no socket, no handler-pool hop), the rest go in
// parallel over keep-alive connections, retried with exponential backoff on transport errors
// and 5xx answers; 4xx answers are final.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "service/http/http_client.hpp"
#include "service/http/http_types.hpp"
#include "service/interconnect/party_client.hpp"

namespace fedflow::interconnect {

/// Where a party's server listens.
struct PartyAddress {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;
};

/// Adds authentication headers to an outgoing request (site authentication).
/// `body_sha256` is the body's digest when the caller knows it, else "".
using RequestSigner = std::function<void(const std::string& method, const std::string& path, const std::string& body,
                                         const std::string& body_sha256,
                                         std::vector<std::pair<std::string, std::string>>* headers)>;

/// Settings of the client.
struct HttpPartyClientOptions {
  std::string self_party_id;
  std::map<std::string, PartyAddress> routes;   ///< party id -> address (partners)
  std::int64_t timeout_ms = 10000;              ///< per attempt
  int attempts = 3;                             ///< total tries per command
  std::int64_t backoff_ms = 50;                 ///< first retry delay, doubling, capped at 2 s
};

class HttpPartyClient final : public PartyClient {
 public:
  /// `local` serves commands addressed to this party (the server's router).
  HttpPartyClient(HttpPartyClientOptions options, http::HttpClient& client,
                  std::function<http::HttpResponse(const http::HttpRequest&)> local, RequestSigner signer = nullptr);

  std::vector<PartyReply> Send(const std::vector<PartyCommand>& commands) override;
  void Notify(const PartyCommand& command) override;

 private:
  /// `borrow_body`: the request refers to `c.body` (the caller waits for the call's end).
  http::ClientRequest BuildRequest(const PartyCommand& c, const PartyAddress& address, bool borrow_body) const;
  http::HttpRequest BuildLocalRequest(const PartyCommand& c) const;

  HttpPartyClientOptions options_;
  http::HttpClient& client_;
  std::function<http::HttpResponse(const http::HttpRequest&)> local_;
  RequestSigner signer_;
};

}  // namespace fedflow::interconnect
