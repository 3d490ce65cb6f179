#include "service/federation/federation_service.hpp"

#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/security/signing_key.hpp"

namespace fedflow::federation {

Status FederationService::CheckTaskParty(const JobSpec& spec, const std::string& task_name, const std::string& role,
                                         const std::string& party_id, const std::string& which) {
  for (const auto& t : spec.tasks()) {
    if (t.name() != task_name) continue;
    for (const auto& p : t.parties()) {
      if (p.role() == role && p.party_id() == party_id) return Status::OK();
    }
    return PermissionDeniedError(which + " " + role + ":" + party_id + " takes no part in task " + task_name +
                                 " of job " + spec.job_id());
  }
  return PermissionDeniedError("job " + spec.job_id() + " has no task " + task_name);
}

Status FederationService::Send(const orm::TaskAttemptRow& from, const Peer& to, const ChunkInfo& chunk,
                               const std::string& bytes) {
  if (from.status != TASK_STATUS_RUNNING) {
    return FailedPreconditionError("attempt " + std::to_string(from.attempt) + " of task " + from.task_name + " is " +
                                   TaskStatusName(from.status) + ": it sends nothing more");
  }
  MessageKey key{from.job_id, from.task_name, from.attempt, to.name, to.tag,
                 from.role,   from.party_id,  to.role,      to.party_id};
  FEDFLOW_RETURN_IF_ERROR(key.Check());
  FEDFLOW_RETURN_IF_ERROR(chunk.Check());
  // The bytes are not hashed here: the destination checks them against chunk_digest (which the
  // site signature then covers), and a second check would cost as much as the rest of this hop.
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, d_.spec_of(from.job_id));
  FEDFLOW_RETURN_IF_ERROR(CheckTaskParty(*spec, from.task_name, to.role, to.party_id, "destination"));
  FEDFLOW_RETURN_IF_ERROR(d_.relay->Deliver(key, chunk, bytes).WithContext("sending " + key.Describe()));
  Status counted = d_.tasks->AddTraffic(from.id, static_cast<std::int64_t>(bytes.size()), chunk.last() ? 1 : 0, 0, 0);
  if (!counted.ok()) log::Get("federation")->warn("job_id={} traffic not counted: {}", from.job_id, counted.message());
  return Status::OK();
}

StatusOr<orm::TaskAttemptRow> FederationService::CurrentDestination(const MessageKey& key) {
  FEDFLOW_ASSIGN_OR_RETURN(auto attempts, d_.tasks->ListByJob(key.job_id));
  const orm::TaskAttemptRow* latest = nullptr;
  for (const auto& a : attempts) {
    if (a.task_name == key.task_name && a.role == key.dst_role && a.party_id == key.dst_party_id &&
        (!latest || a.attempt > latest->attempt)) {
      latest = &a;
    }
  }
  if (!latest) return PermissionDeniedError("task " + key.task_name + " has no attempt at " + key.dst_role + ":" +
                                            key.dst_party_id);
  if (latest->attempt != key.attempt) {
    return PermissionDeniedError("attempt " + std::to_string(key.attempt) + " of task " + key.task_name +
                                 " is not the current one (" + std::to_string(latest->attempt) + ") at " +
                                 key.dst_role + ":" + key.dst_party_id);
  }
  if (IsEndStatus(latest->status)) {
    return FailedPreconditionError("attempt " + std::to_string(key.attempt) + " of task " + key.task_name + " at " +
                                   key.dst_role + ":" + key.dst_party_id + " has ended (" +
                                   TaskStatusName(latest->status) + ")");
  }
  return *latest;
}

Status FederationService::Accept(const std::string& sender_party, const MessageKey& key, const ChunkInfo& chunk,
                                 const std::string& bytes, const std::string& checked_sha256) {
  FEDFLOW_RETURN_IF_ERROR(key.Check());
  FEDFLOW_RETURN_IF_ERROR(chunk.Check());
  if (sender_party != key.src_party_id) {
    return PermissionDeniedError("party " + sender_party + " may not send messages as party " + key.src_party_id);
  }
  if (key.dst_party_id != d_.party_id) {
    return PermissionDeniedError("this is party " + d_.party_id + ", not " + key.dst_party_id);
  }
  // Hashing is the data plane's largest cost: a digest verified on the way is not computed twice.
  if ((checked_sha256.empty() ? security::Sha256Hex(bytes) : checked_sha256) != chunk.chunk_digest) {
    return InvalidArgumentError("chunk " + std::to_string(chunk.seq) + " does not match its chunk_digest");
  }
  // The job must be running here, with both ends parties of the task in those roles.
  FEDFLOW_ASSIGN_OR_RETURN(auto rows, d_.jobs->ListByJob(key.job_id));
  bool here = false;
  for (const auto& r : rows) here = here || (r.role == key.dst_role && r.party_id == d_.party_id && !IsEndStatus(r.status));
  if (!here) {
    return PermissionDeniedError("job " + key.job_id + " is not running at " + key.dst_role + ":" + d_.party_id);
  }
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, d_.spec_of(key.job_id));
  FEDFLOW_RETURN_IF_ERROR(CheckTaskParty(*spec, key.task_name, key.src_role, key.src_party_id, "sender"));
  FEDFLOW_RETURN_IF_ERROR(CheckTaskParty(*spec, key.task_name, key.dst_role, key.dst_party_id, "destination"));
  FEDFLOW_ASSIGN_OR_RETURN(orm::TaskAttemptRow destination, CurrentDestination(key));
  FEDFLOW_ASSIGN_OR_RETURN(StoreOutcome stored, d_.spool->Store(key, chunk, bytes));
  if (stored.stored) {
    Status counted = d_.tasks->AddTraffic(destination.id, 0, 0, static_cast<std::int64_t>(bytes.size()),
                                          stored.complete ? 1 : 0);
    if (!counted.ok()) log::Get("federation")->warn("job_id={} traffic not counted: {}", key.job_id, counted.message());
  }
  return Status::OK();
}

StatusOr<StoredChunk> FederationService::Receive(const orm::TaskAttemptRow& to, const Peer& from, std::int32_t seq,
                                                 std::int64_t wait_ms) {
  MessageKey key{to.job_id, to.task_name, to.attempt, from.name, from.tag,
                 from.role, from.party_id, to.role,    to.party_id};
  FEDFLOW_RETURN_IF_ERROR(key.Check());
  if (seq < 0 || seq >= kMaxChunks) return InvalidArgumentError("'seq' is out of range");
  return d_.spool->Read(key, seq, std::min(std::max<std::int64_t>(wait_ms, 0), kMaxWaitMs));
}

Status FederationService::Release(const orm::TaskAttemptRow& to, const Peer& from) {
  MessageKey key{to.job_id, to.task_name, to.attempt, from.name, from.tag,
                 from.role, from.party_id, to.role,    to.party_id};
  FEDFLOW_RETURN_IF_ERROR(key.Check());
  return d_.spool->Release(key);
}

}  // namespace fedflow::federation
