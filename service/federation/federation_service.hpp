#pragma once
// The federation data plane at one party: what its workers send to workers of other parties (or
// of another role here), and what arrives for its own workers. Every message is checked against
// this party's plan of the job before anything is sent or stored: both ends must be parties of
// the task in those roles, and the attempt must be the task's current one here.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/job_repository.hpp"
#include "orm/task_repository.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/federation/message_key.hpp"
#include "service/federation/relay.hpp"
#include "service/federation/spool.hpp"

namespace fedflow::federation {

/// The other end and name of a message, as a worker gives them (its own end comes from its token).
struct Peer {
  std::string name;
  std::string tag;
  std::string role;
  std::string party_id;
};

struct FederationDeps {
  std::string party_id;
  orm::JobRepository* jobs = nullptr;
  orm::TaskRepository* tasks = nullptr;
  /// This party's plan of a job (NotFound when the job is unknown here).
  std::function<StatusOr<std::shared_ptr<const JobSpec>>(const std::string& job_id)> spec_of;
  Spool* spool = nullptr;
  MessageRelay* relay = nullptr;
  /// Interconnect requests are site-signed and their signature checked before the route: the
  /// signed X-Fedflow-Body-Sha256 is then the body's verified digest.
  bool bodies_signed = false;
};

/// Longest a receiver's request waits for a chunk before it asks again.
inline constexpr std::int64_t kMaxWaitMs = 30000;

/// Thread-safe.
class FederationService final {
 public:
  explicit FederationService(FederationDeps deps) : d_(std::move(deps)) {}

  /// A chunk from the worker of `from` (a running attempt here) to `to`: checked and relayed.
  Status Send(const orm::TaskAttemptRow& from, const Peer& to, const ChunkInfo& chunk, const std::string& bytes);
  /// A chunk that `sender_party` relays for a worker here: checked, stored, counted.
  /// `checked_sha256`: the bytes' digest when already verified (the request's signature check
  /// covered it); empty: Accept hashes the bytes.
  Status Accept(const std::string& sender_party, const MessageKey& key, const ChunkInfo& chunk,
                const std::string& bytes, const std::string& checked_sha256);
  /// Whether the request guard verified the signed body digest of interconnect requests.
  bool bodies_signed() const { return d_.bodies_signed; }
  /// Chunk `seq` of the message `from` sent to the worker of `to`, waiting up to `wait_ms`.
  StatusOr<StoredChunk> Receive(const orm::TaskAttemptRow& to, const Peer& from, std::int32_t seq,
                                std::int64_t wait_ms);
  /// The worker of `to` has the whole message from `from`: its spool files go.
  Status Release(const orm::TaskAttemptRow& to, const Peer& from);
  /// The job ended or was cleaned here: its messages go.
  Status ForgetJob(const std::string& job_id) { return d_.spool->ForgetJob(job_id); }

 private:
  /// OK when (role, party) takes part in task `task_name` of `spec`.
  static Status CheckTaskParty(const JobSpec& spec, const std::string& task_name, const std::string& role,
                               const std::string& party_id, const std::string& which);
  /// The attempt of `key`'s destination here, when it is the task's current one and not ended.
  StatusOr<orm::TaskAttemptRow> CurrentDestination(const MessageKey& key);

  FederationDeps d_;
};

}  // namespace fedflow::federation
