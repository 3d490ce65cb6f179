#include "base/log_limiter.hpp"

namespace fedflow::log {

LogLimiter::LogLimiter(const Clock& clock, std::int64_t interval_ms, std::size_t burst, std::size_t max_keys)
    : clock_(clock), interval_ms_(interval_ms), burst_(burst == 0 ? 1 : burst), max_keys_(max_keys) {}

bool LogLimiter::Allow(const std::string& key, std::uint64_t* suppressed) {
  const std::int64_t now = clock_.SteadyMs();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = budgets_.find(key);
  if (it == budgets_.end()) {
    if (budgets_.size() >= max_keys_) {
      // Forget keys whose window has passed; if none has, the whole table (a count is lost,
      // never a line that should pass).
      for (auto b = budgets_.begin(); b != budgets_.end();) {
        b = now - b->second.window_start_ms >= interval_ms_ && b->second.held_back == 0 ? budgets_.erase(b) : std::next(b);
      }
      if (budgets_.size() >= max_keys_) budgets_.clear();
    }
    it = budgets_.emplace(key, Budget{now, 0, 0}).first;
  }
  Budget& b = it->second;
  if (now - b.window_start_ms >= interval_ms_) {
    b.window_start_ms = now;
    b.used = 0;
  }
  if (b.used >= burst_) {
    ++b.held_back;
    return false;
  }
  ++b.used;
  if (suppressed) *suppressed = b.held_back;
  b.held_back = 0;
  return true;
}

std::string LogLimiter::Note(std::uint64_t suppressed) {
  if (suppressed == 0) return "";
  return " (" + std::to_string(suppressed) + " similar line" + (suppressed == 1 ? "" : "s") + " suppressed)";
}

}  // namespace fedflow::log
