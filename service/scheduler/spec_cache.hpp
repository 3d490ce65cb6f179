#pragma once
// The scheduler's parsed job specs, by job id: a spec is parsed from its stored JSON once, not
// on every tick. Bounded; evicted entries are parsed again when needed.

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::sched {

/// Thread-safe.
class SpecCache final {
 public:
  explicit SpecCache(std::size_t capacity = 2048) : capacity_(capacity) {}
  /// The spec of `job_id`, parsed from `spec_json` when not cached.
  StatusOr<std::shared_ptr<const JobSpec>> Get(const std::string& job_id, const std::string& spec_json);
  void Forget(const std::string& job_id);

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const JobSpec>> specs_;
};

}  // namespace fedflow::sched
