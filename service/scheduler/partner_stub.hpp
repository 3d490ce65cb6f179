#pragma once
// Typed client of the partner API (/v2/partner/...): builds the JSON bodies and command keys,
// sends them to many parties in parallel through a PartyClient.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "proto/fedflow/common.pb.h"
#include "service/interconnect/party_client.hpp"

namespace fedflow::sched {

using interconnect::PartyReply;

/// One task status from a party's collect answer.
struct CollectedTask {
  std::string task_name;
  std::int32_t attempt = 0;
  std::string role;
  std::string party_id;
  TaskStatus status = TASK_STATUS_UNSPECIFIED;
  std::string reason;
};

/// Thread-safe (stateless over the PartyClient).
class PartnerStub final {
 public:
  PartnerStub(interconnect::PartyClient& client, std::string self_party_id)
      : client_(client), self_(std::move(self_party_id)) {}

  std::vector<PartyReply> CreateJob(const std::vector<std::string>& parties, const std::string& job_id,
                                    const std::string& spec_json, bool validate_only);
  std::vector<PartyReply> UpdateJobStatus(const std::vector<std::string>& parties, const std::string& job_id,
                                          JobStatus status, const std::string& reason);
  std::vector<PartyReply> ApplyResources(const std::vector<std::string>& parties, const std::string& job_id,
                                         std::int32_t epoch);
  std::vector<PartyReply> ReturnResources(const std::vector<std::string>& parties, const std::string& job_id,
                                          std::int32_t epoch);
  std::vector<PartyReply> StartJob(const std::vector<std::string>& parties, const std::string& job_id);
  std::vector<PartyReply> StopJob(const std::vector<std::string>& parties, const std::string& job_id, JobStatus status,
                                  const std::string& reason);
  std::vector<PartyReply> StartTask(const std::vector<std::string>& parties, const std::string& job_id,
                                    const std::string& task, std::int32_t attempt);
  /// One batched collect per party: `wanted[party]` lists (task, attempt).
  std::vector<PartyReply> CollectTasks(const std::string& job_id,
                                       const std::map<std::string, std::vector<std::pair<std::string, std::int32_t>>>& wanted);
  std::vector<PartyReply> StopTask(const std::vector<std::string>& parties, const std::string& job_id,
                                   const std::string& task, std::int32_t attempt, TaskStatus status,
                                   const std::string& reason);
  std::vector<PartyReply> CreateAttempt(const std::vector<std::string>& parties, const std::string& job_id,
                                        const std::string& task, std::int32_t attempt);
  std::vector<PartyReply> UpdateProgress(const std::vector<std::string>& parties, const std::string& job_id,
                                         std::int32_t progress);

  /// Parses the tasks of a collect answer.
  static std::vector<CollectedTask> ParseCollected(const PartyReply& reply);

 private:
  std::vector<PartyReply> Broadcast(const std::vector<std::string>& parties, const std::string& path,
                                    const std::string& job_id, const std::string& command, std::string body_json,
                                    bool idempotent);

  interconnect::PartyClient& client_;
  std::string self_;
};

}  // namespace fedflow::sched
