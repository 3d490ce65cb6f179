#include "service/scheduler/spec_cache.hpp"

#include "service/dsl/spec_json.hpp"

namespace fedflow::sched {

StatusOr<std::shared_ptr<const JobSpec>> SpecCache::Get(const std::string& job_id, const std::string& spec_json) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = specs_.find(job_id);
    if (it != specs_.end()) return it->second;
  }
  FEDFLOW_ASSIGN_OR_RETURN(JobSpec spec, dsl::SpecFromJson(spec_json));
  auto shared = std::make_shared<const JobSpec>(std::move(spec));
  std::lock_guard<std::mutex> lock(mutex_);
  if (specs_.size() >= capacity_) specs_.erase(specs_.begin());
  specs_[job_id] = shared;
  return shared;
}

void SpecCache::Forget(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  specs_.erase(job_id);
}

}  // namespace fedflow::sched
