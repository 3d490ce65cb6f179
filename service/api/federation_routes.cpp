#include "service/api/federation_routes.hpp"

#include <cstdlib>

#include "service/federation/interconnect_relay.hpp"
#include "service/http/envelope.hpp"

namespace fedflow::api {

using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

/// The other end of a message as a worker names it: name, tag and `<prefix>role`, `<prefix>party_id`.
federation::Peer PeerOf(const HttpRequest& req, const std::string& prefix) {
  return federation::Peer{req.Query("name"), req.Query("tag"), req.Query(prefix + "role"),
                          req.Query(prefix + "party_id")};
}

/// A number query parameter within [min, max], or `fallback` when absent.
StatusOr<std::int64_t> NumberOf(const HttpRequest& req, const std::string& key, std::int64_t fallback,
                                std::int64_t min, std::int64_t max) {
  const std::string& text = req.Query(key);
  if (text.empty()) return fallback;
  if (text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError("'" + key + "' must be a non-negative integer");
  }
  std::int64_t v = std::strtoll(text.c_str(), nullptr, 10);
  if (v < min || v > max) {
    return InvalidArgumentError("'" + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

/// The chunk fields a worker sends (no key fields: its server knows its end).
StatusOr<federation::ChunkInfo> ChunkOf(const HttpRequest& req) {
  federation::ChunkInfo c;
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t seq, NumberOf(req, "seq", -1, 0, federation::kMaxChunks - 1));
  if (seq < 0) return InvalidArgumentError("missing 'seq'");
  c.seq = static_cast<std::int32_t>(seq);
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t chunks, NumberOf(req, "chunks", 0, 1, federation::kMaxChunks));
  c.chunks = static_cast<std::int32_t>(chunks);
  FEDFLOW_ASSIGN_OR_RETURN(c.total_bytes, NumberOf(req, "total_bytes", 0, 0, INT64_MAX));
  c.digest = req.Query("digest");
  c.chunk_digest = req.Query("chunk_digest");
  FEDFLOW_RETURN_IF_ERROR(c.Check());
  return c;
}

}  // namespace

void RegisterFederationRoutes(http::Router& router, partner::JobParticipant& p, federation::FederationService& fed) {
  const std::string token = "header X-Fedflow-Task-Token; ";
  const std::string chunk =
      "seq, chunk_digest (SHA-256 hex); with the last chunk: chunks, total_bytes, digest (SHA-256 of the chunk "
      "digests' hex in order)";

  http::RouteDoc send{"worker",
                      "Send one chunk of a message to a worker of another party (or another role here); "
                      "the body is the chunk's bytes.",
                      token + "name, tag, dst_role, dst_party_id, " + chunk};
  send.waits = true;
  router.Add("POST", "/v2/worker/federation/send", send, [&p, &fed](const HttpRequest& req) -> HttpResponse {
    auto attempt = p.workers().AttemptOfToken(req.Header("x-fedflow-task-token"));
    if (!attempt.ok()) return JsonError(attempt.status());
    auto c = ChunkOf(req);
    if (!c.ok()) return JsonError(c.status());
    Status sent = fed.Send(*attempt, PeerOf(req, "dst_"), *c, req.body);
    return sent.ok() ? JsonOk() : JsonError(sent);
  });

  http::RouteDoc receive{"worker",
                         "Take one chunk of a message sent to this worker, waiting up to wait_ms for it: 200 with "
                         "the bytes (headers X-Fedflow-Chunks, -Total-Bytes, -Digest, -Chunk-Digest), 204 when it "
                         "has not arrived yet.",
                         token + "name, tag, src_role, src_party_id, seq, wait_ms (default 20000, at most 30000)"};
  receive.waits = true;
  router.Add("GET", "/v2/worker/federation/receive", receive, [&p, &fed](const HttpRequest& req) -> HttpResponse {
    auto attempt = p.workers().AttemptOfToken(req.Header("x-fedflow-task-token"));
    if (!attempt.ok()) return JsonError(attempt.status());
    auto seq = NumberOf(req, "seq", 0, 0, federation::kMaxChunks - 1);
    auto wait = NumberOf(req, "wait_ms", 20000, 0, federation::kMaxWaitMs);
    if (!seq.ok()) return JsonError(seq.status());
    if (!wait.ok()) return JsonError(wait.status());
    auto got = fed.Receive(*attempt, PeerOf(req, "src_"), static_cast<std::int32_t>(*seq), *wait);
    if (got.status().code() == StatusCode::kDeadlineExceeded) {
      HttpResponse later;
      later.status = 204;
      later.content_type = "";
      return later;
    }
    if (!got.ok()) return JsonError(got.status());
    HttpResponse res;
    res.content_type = "application/octet-stream";
    res.headers.emplace_back("X-Fedflow-Chunks", std::to_string(got->chunks));
    res.headers.emplace_back("X-Fedflow-Total-Bytes", std::to_string(got->total_bytes));
    res.headers.emplace_back("X-Fedflow-Digest", got->digest);
    res.headers.emplace_back("X-Fedflow-Chunk-Digest", got->chunk_digest);
    res.body = std::move(got->bytes);
    return res;
  });

  router.Add("POST", "/v2/worker/federation/release",
             {"worker", "The worker has received the whole message: the server deletes its stored chunks.",
              token + "name, tag, src_role, src_party_id"},
             [&p, &fed](const HttpRequest& req) -> HttpResponse {
               auto attempt = p.workers().AttemptOfToken(req.Header("x-fedflow-task-token"));
               if (!attempt.ok()) return JsonError(attempt.status());
               Status released = fed.Release(*attempt, PeerOf(req, "src_"));
               return released.ok() ? JsonOk() : JsonError(released);
             });

  router.Add("POST", federation::kPushPath,
             {"interconnect",
              "A chunk of a message for a worker of this party (the body is its bytes); refused unless both ends "
              "are parties of the task in those roles and the attempt is the task's current one here.",
              "job_id, task_name, attempt, name, tag, src_role, src_party_id, dst_role, dst_party_id, " + chunk},
             [&fed](const HttpRequest& req) -> HttpResponse {
               federation::MessageKey key;
               federation::ChunkInfo c;
               Status parsed = federation::FromQuery(req.query, &key, &c);
               if (!parsed.ok()) return JsonError(parsed);
               // A signed call's body digest was checked with its signature; an in-process call
               // (a worker here to another role here) is hashed here.
               std::string checked;
               if (!req.internal && fed.bodies_signed()) checked = req.Header("x-fedflow-body-sha256");
               Status accepted = fed.Accept(req.Header("x-fedflow-src-party"), key, c, req.body, checked);
               return accepted.ok() ? JsonOk() : JsonError(accepted);
             });
}

}  // namespace fedflow::api
