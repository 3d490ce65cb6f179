#include "service/scheduler/job_locks.hpp"

namespace fedflow::sched {

std::unique_lock<std::mutex> JobLocks::Lock(const std::string& job_id, bool try_only) {
  std::shared_ptr<std::mutex> m;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto& slot = locks_[job_id];
    if (!slot) slot = std::make_shared<std::mutex>();
    m = slot;
  }
  // The map keeps the mutex alive while it is locked (Forget only drops unused ones).
  if (try_only) return std::unique_lock<std::mutex>(*m, std::try_to_lock);
  return std::unique_lock<std::mutex>(*m);
}

void JobLocks::Forget(const std::string& job_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = locks_.find(job_id);
  if (it == locks_.end()) return;
  if (it->second.use_count() == 1 && it->second->try_lock()) {
    it->second->unlock();
    locks_.erase(it);
  }
}

}  // namespace fedflow::sched
