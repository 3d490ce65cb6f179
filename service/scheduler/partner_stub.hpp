#pragma once
// The scheduler's client of the partner API (/v2/partner/...): the contract's request messages
// (proto/fedflow/partner.proto) built once, with one idempotency key per logical command, sent
// to many parties in parallel through a PartyClient. Parties whose circuit breaker is open are
// answered "unreachable" at once instead of being called.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "proto/fedflow/common.pb.h"
#include "proto/fedflow/partner.pb.h"
#include "service/interconnect/party_client.hpp"
#include "service/scheduler/partner_breaker.hpp"

namespace fedflow::sched {

using interconnect::PartyReply;

/// (task name, attempt) of a task attempt.
using AttemptKey = std::pair<std::string, std::int32_t>;

/// Thread-safe (stateless over the PartyClient and the breaker).
class PartnerStub final {
 public:
  /// `breaker` may be null (every call is made).
  PartnerStub(interconnect::PartyClient& client, std::string self_party_id, PartnerBreaker* breaker = nullptr)
      : client_(client), self_(std::move(self_party_id)), breaker_(breaker) {}

  /// `spec_json` is the stored JSON of the JobSpec (embedded as it is, not parsed again).
  std::vector<PartyReply> CreateJob(const std::vector<std::string>& parties, const std::string& job_id,
                                    const std::string& spec_json, bool validate_only);
  std::vector<PartyReply> UpdateJobStatus(const std::vector<std::string>& parties, const std::string& job_id,
                                          JobStatus status, const std::string& reason);
  /// Replies carry a contract::ResourceGrant.
  std::vector<PartyReply> ApplyResources(const std::vector<std::string>& parties, const std::string& job_id,
                                         std::int32_t epoch);
  /// The applies of several jobs at once (one command per job and party, all in parallel), in
  /// the order given: replies[i] are those of jobs[i].
  std::vector<std::vector<PartyReply>> ApplyResourcesOfJobs(
      const std::vector<std::pair<std::string, std::int32_t>>& jobs, const std::vector<std::vector<std::string>>& parties);
  std::vector<PartyReply> ReturnResources(const std::vector<std::string>& parties, const std::string& job_id,
                                          std::int32_t epoch);
  std::vector<PartyReply> StartJob(const std::vector<std::string>& parties, const std::string& job_id);
  /// StartJob of several jobs at once, in parallel: replies[i] are those of jobs[i].
  std::vector<std::vector<PartyReply>> StartJobs(const std::vector<std::string>& jobs,
                                                 const std::vector<std::vector<std::string>>& parties);
  /// Ends the job everywhere and records the final federated status of its tasks and its final
  /// progress.
  std::vector<PartyReply> StopJob(const std::vector<std::string>& parties, const std::string& job_id, JobStatus status,
                                  const std::string& reason, const std::vector<contract::FederatedTask>& tasks,
                                  std::int32_t progress);
  std::vector<PartyReply> StartTask(const std::vector<std::string>& parties, const std::string& job_id,
                                    const std::string& task, std::int32_t attempt);
  /// One batched collect per party: `wanted[party]` lists the attempts. Replies carry a
  /// contract::CollectedTasks.
  std::vector<PartyReply> CollectTasks(const std::string& job_id,
                                       const std::map<std::string, std::vector<AttemptKey>>& wanted);
  std::vector<PartyReply> StopTask(const std::vector<std::string>& parties, const std::string& job_id,
                                   const std::string& task, std::int32_t attempt, TaskStatus status,
                                   const std::string& reason);
  std::vector<PartyReply> CreateAttempt(const std::vector<std::string>& parties, const std::string& job_id,
                                        const std::string& task, std::int32_t attempt);
  std::vector<PartyReply> UpdateTaskStatus(const std::vector<std::string>& parties, const std::string& job_id,
                                           const std::string& task, std::int32_t attempt, TaskStatus status);
  std::vector<PartyReply> UpdateProgress(const std::vector<std::string>& parties, const std::string& job_id,
                                         std::int32_t progress);

 private:
  /// Sends through the breaker: skipped parties get an "unreachable" reply.
  std::vector<PartyReply> Send(const std::vector<interconnect::PartyCommand>& commands);
  /// One command per job and party, all sent at once; `body(i)` is job i's body.
  std::vector<std::vector<PartyReply>> PerJob(const std::vector<std::string>& job_ids,
                                              const std::vector<std::vector<std::string>>& parties, const char* path,
                                              const char* command, const std::function<std::string(std::size_t)>& body);
  std::vector<PartyReply> Broadcast(const std::vector<std::string>& parties, const char* path,
                                    const std::string& job_id, const char* command, const std::string& body,
                                    bool idempotent);

  interconnect::PartyClient& client_;
  std::string self_;
  PartnerBreaker* breaker_;
};

}  // namespace fedflow::sched
