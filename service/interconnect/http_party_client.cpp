#include "service/interconnect/http_party_client.hpp"

#include <chrono>
#include <future>
#include <thread>

#include "base/log.hpp"
#include "service/http/target.hpp"
#include "service/json/json.hpp"

namespace fedflow::interconnect {

namespace bj = boost::json;

HttpPartyClient::HttpPartyClient(HttpPartyClientOptions options, http::HttpClient& client,
                                 std::function<http::HttpResponse(const http::HttpRequest&)> local,
                                 RequestSigner signer)
    : options_(std::move(options)), client_(client), local_(std::move(local)), signer_(std::move(signer)) {}

http::ClientRequest HttpPartyClient::BuildRequest(const PartyCommand& c, const PartyAddress& address,
                                                  bool borrow_body) const {
  http::ClientRequest req;
  req.method = "POST";
  req.host = address.host;
  req.port = address.port;
  req.tls = address.tls;
  req.target = c.path;
  if (borrow_body) {
    req.body_ref = &c.body;
  } else {
    req.body = c.body;
  }
  req.content_type = c.content_type;
  req.timeout_ms = options_.timeout_ms;
  req.headers.emplace_back("X-Fedflow-Src-Party", options_.self_party_id);
  if (!c.command_key.empty()) req.headers.emplace_back("X-Fedflow-Command-Id", c.command_key);
  if (signer_) signer_("POST", c.path, c.body, c.body_sha256, &req.headers);
  return req;
}

http::HttpRequest HttpPartyClient::BuildLocalRequest(const PartyCommand& c) const {
  http::HttpRequest req;
  req.method = "POST";
  req.target = c.path;
  // A path may carry a query (binary commands keep their fields there, under the signature).
  if (!http::SplitTarget(c.path, &req.path, &req.query)) req.path = c.path;
  req.body = c.body;
  req.remote = "local";
  req.headers["content-type"] = c.content_type;
  req.headers["x-fedflow-src-party"] = options_.self_party_id;
  req.internal = true;
  if (!c.command_key.empty()) req.headers["x-fedflow-command-id"] = c.command_key;
  return req;
}

std::vector<PartyReply> HttpPartyClient::Send(const std::vector<PartyCommand>& commands) {
  std::vector<PartyReply> replies(commands.size());
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < commands.size(); ++i) pending.push_back(i);
  std::int64_t backoff = options_.backoff_ms;
  for (int attempt = 1; attempt <= options_.attempts && !pending.empty(); ++attempt) {
    // Fire every remote command first, then serve local ones while the remote ones travel.
    std::vector<std::pair<std::size_t, std::future<StatusOr<http::ClientResponse>>>> in_flight;
    std::vector<std::size_t> local;
    for (std::size_t i : pending) {
      const PartyCommand& c = commands[i];
      if (c.party_id == options_.self_party_id) {
        local.push_back(i);
        continue;
      }
      auto route = options_.routes.find(c.party_id);
      if (route == options_.routes.end()) {
        replies[i].party_id = c.party_id;
        replies[i].status = FailedPreconditionError("party " + c.party_id + " has no route: add it to 'partners' in the config");
        continue;
      }
      // Every future is waited for below, while `commands` lives: the requests borrow the bodies.
      in_flight.emplace_back(i, client_.CallFuture(BuildRequest(c, route->second, true)));
    }
    for (std::size_t i : local) {
      http::HttpResponse res = local_(BuildLocalRequest(commands[i]));
      replies[i] = ReplyFromAnswer(commands[i].party_id, res.status, res.body);
    }
    for (auto& [i, future] : in_flight) {
      StatusOr<http::ClientResponse> res = future.get();
      if (res.ok()) {
        replies[i] = ReplyFromAnswer(commands[i].party_id, res->status, res->body);
      } else {
        replies[i] = PartyReply{};
        replies[i].party_id = commands[i].party_id;
        Status transport(res.status().code(), "party " + commands[i].party_id + " unreachable: " + res.status().message());
        replies[i].status = transport;
      }
    }
    // Retry what did not arrive or failed on the server side; business refusals are final.
    std::vector<std::size_t> retry;
    for (std::size_t i : pending) {
      const PartyReply& r = replies[i];
      bool transient = (!r.reached && r.status.code() != StatusCode::kFailedPrecondition) || r.http_status >= 500;
      if (!r.status.ok() && transient) retry.push_back(i);
    }
    pending.swap(retry);
    if (!pending.empty() && attempt < options_.attempts) {
      log::Get("interconnect")->debug("retrying {} command(s) after {} ms attempt={}", pending.size(), backoff, attempt);
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
      backoff = std::min<std::int64_t>(backoff * 2, 2000);
    }
  }
  for (const auto& r : replies) {
    if (!r.status.ok()) log::Get("interconnect")->warn("{}", r.status.message());
  }
  return replies;
}

void HttpPartyClient::Notify(const PartyCommand& command) {
  if (command.party_id == options_.self_party_id) {
    local_(BuildLocalRequest(command));
    return;
  }
  auto route = options_.routes.find(command.party_id);
  if (route == options_.routes.end()) return;
  http::ClientRequest req = BuildRequest(command, route->second, false);
  req.timeout_ms = std::min<std::int64_t>(options_.timeout_ms, 2000);
  client_.CallAsync(std::move(req), [](StatusOr<http::ClientResponse>) {});
}

}  // namespace fedflow::interconnect
