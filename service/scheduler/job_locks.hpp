#pragma once
// In-process exclusion per job: the loop, the API and nudges of one server instance never work
// the same job at once. (Across instances the database lease does that.)

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace fedflow::sched {

/// Thread-safe map of per-job mutexes, dropped when unused.
class JobLocks final {
 public:
  /// Held lock of `job_id` (or an unheld one when `try_only` and it is busy).
  std::unique_lock<std::mutex> Lock(const std::string& job_id, bool try_only);
  /// Forgets the mutex of an idle job (after it ended).
  void Forget(const std::string& job_id);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;
};

}  // namespace fedflow::sched
