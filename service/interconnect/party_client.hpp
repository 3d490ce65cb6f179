#pragma once
// Calls from one party's server to others (and to itself): the scheduler's commands to
// participants and the participants' reports to the scheduler. One interface, so scheduler
// tests can use a fake and production uses HTTP (http_party_client.hpp).

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "base/status.hpp"

namespace fedflow::interconnect {

/// One command to one party.
struct PartyCommand {
  std::string party_id;
  std::string path;         ///< e.g. "/v2/partner/job/create"
  std::string body;         ///< JSON text, or raw bytes with another content_type
  std::string command_key;  ///< idempotency key (same across retries); empty for reads
  std::string content_type = "application/json";
  /// The body's SHA-256 (lower-case hex) when the caller already checked it: the signer need not
  /// hash a large body again. Empty: the signer hashes it.
  std::string body_sha256;
};

/// A party's answer. `status` is OK only when the party answered code 0; otherwise it says
/// "party <id> ..." and why (unreachable, timeout, or the party's own error and code).
struct PartyReply {
  std::string party_id;
  Status status;
  bool reached = false;     ///< false: transport failure (no answer at all)
  int http_status = 0;
  int code = -1;            ///< business code from the envelope (0 = success)
  boost::json::value data;  ///< envelope `data` (null when absent)
};

/// Thread-safe. Implementations send the commands of one call in parallel.
class PartyClient {
 public:
  virtual ~PartyClient() = default;
  /// Sends every command (in parallel, each with timeout and bounded retries) and returns the
  /// replies in the same order.
  virtual std::vector<PartyReply> Send(const std::vector<PartyCommand>& commands) = 0;
  /// Fire-and-forget, one attempt, no reply (nudges).
  virtual void Notify(const PartyCommand& command) = 0;
};

/// A party's HTTP answer as a reply: the envelope parsed, the HTTP status mapped to a Status that
/// names the party.
PartyReply ReplyFromAnswer(const std::string& party_id, int http_status, const std::string& body);

/// A fresh idempotency key for a command about `job_id`.
std::string NewCommandKey(const std::string& job_id, const std::string& command);

/// First failed reply's status (with every failing party listed), or OK when all succeeded.
Status Combine(const std::vector<PartyReply>& replies);

}  // namespace fedflow::interconnect
