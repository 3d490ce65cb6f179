#include "service/partner/job_specs.hpp"

#include "service/dsl/spec_json.hpp"

namespace fedflow::partner {

StatusOr<std::shared_ptr<const JobSpec>> JobSpecs::SpecOf(const std::string& job_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(job_id);
    if (it != cache_.end()) return it->second;
  }
  auto rows = jobs_.ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFoundError("job " + job_id + " does not exist at party " + party_id_);
  auto spec = dsl::SpecFromJson(rows->front().plan_json);
  if (!spec.ok()) return spec.status();
  auto shared = std::make_shared<const JobSpec>(std::move(spec).value());
  std::lock_guard<std::mutex> lock(mutex_);
  if (cache_.size() >= kCacheSize) cache_.erase(cache_.begin());
  cache_[job_id] = shared;
  return shared;
}

Status JobSpecs::CheckCommandSender(const std::string& job_id, const std::string& sender_party, bool any_party) {
  auto spec = SpecOf(job_id);
  if (!spec.ok()) return spec.status().code() == StatusCode::kNotFound ? Status::OK() : spec.status();
  const std::string& scheduler = (*spec)->initiator().party_id();
  if (sender_party == scheduler) return Status::OK();
  if (any_party) {
    for (const auto& p : (*spec)->parties()) {
      if (p.party_id() == sender_party) return Status::OK();
    }
    return PermissionDeniedError("party " + sender_party.substr(0, 64) + " is not a party of job " + job_id);
  }
  return PermissionDeniedError("party " + sender_party.substr(0, 64) + " may not command job " + job_id +
                               ": only its scheduler, party " + scheduler + ", may");
}

void JobSpecs::Forget(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.erase(job_id);
}

}  // namespace fedflow::partner
