#include "service/scheduler/partner_breaker.hpp"

#include <algorithm>

namespace fedflow::sched {

PartnerBreaker::PartnerBreaker(const Clock& clock, std::int64_t pause_ms, std::int64_t max_pause_ms)
    : clock_(clock), pause_ms_(pause_ms), max_pause_ms_(std::max(pause_ms, max_pause_ms)) {}

bool PartnerBreaker::Allow(const std::string& party) {
  if (pause_ms_ <= 0) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = states_.find(party);
  return it == states_.end() || clock_.SteadyMs() >= it->second.open_until_ms;
}

void PartnerBreaker::Record(const std::string& party, bool reached) {
  if (pause_ms_ <= 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (reached) {
    states_.erase(party);
    return;
  }
  State& s = states_[party];
  s.failures = std::min(s.failures + 1, 20);
  std::int64_t pause = std::min(max_pause_ms_, pause_ms_ << std::min(s.failures - 1, 10));
  s.open_until_ms = clock_.SteadyMs() + pause;
}

std::string PartnerBreaker::WhyOpen(const std::string& party) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = states_.find(party);
  if (it == states_.end() || clock_.SteadyMs() >= it->second.open_until_ms) return "";
  return "party " + party + " unreachable: it did not answer the last " + std::to_string(it->second.failures) +
         " call(s); calls resume in " + std::to_string(it->second.open_until_ms - clock_.SteadyMs()) + " ms";
}

}  // namespace fedflow::sched
