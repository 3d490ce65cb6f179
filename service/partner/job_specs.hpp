#pragma once
// This party's plans of the jobs it takes part in (stored with its job rows, cached here), and
// who may command each job: its scheduler for partner commands, any of its parties for requests
// to the scheduler.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.hpp"
#include "orm/job_repository.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::partner {

/// Thread-safe.
class JobSpecs final {
 public:
  JobSpecs(std::string party_id, orm::JobRepository& jobs) : party_id_(std::move(party_id)), jobs_(jobs) {}

  /// The job's plan at this party; NotFound when the job is unknown here.
  StatusOr<std::shared_ptr<const JobSpec>> SpecOf(const std::string& job_id);
  /// OK when `sender_party` may command `job_id`: its scheduler (the initiator), or with
  /// `any_party` any party of the job. OK when the job is unknown here (the command itself then
  /// answers NotFound); PermissionDenied naming who may otherwise.
  Status CheckCommandSender(const std::string& job_id, const std::string& sender_party, bool any_party);
  /// Drops a cleaned job.
  void Forget(const std::string& job_id);

 private:
  static constexpr std::size_t kCacheSize = 512;
  const std::string party_id_;
  orm::JobRepository& jobs_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const JobSpec>> cache_;  ///< bounded by eviction
};

}  // namespace fedflow::partner
