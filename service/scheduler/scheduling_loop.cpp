#include "service/scheduler/scheduling_loop.hpp"

#include <chrono>

#include "base/log.hpp"

namespace fedflow::sched {

SchedulingLoop::SchedulingLoop(std::function<void(ThreadPool&)> tick, std::int64_t interval_ms,
                               std::size_t parallel_jobs)
    : tick_(std::move(tick)), interval_ms_(interval_ms), pool_(parallel_jobs) {}

SchedulingLoop::~SchedulingLoop() { Stop(); }

void SchedulingLoop::Start() {
  thread_ = std::thread([this] { Run(); });
}

void SchedulingLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SchedulingLoop::Nudge(const std::string&) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    nudged_ = true;
  }
  cv_.notify_one();
}

void SchedulingLoop::Run() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_ || nudged_; });
      if (stopping_) return;
      nudged_ = false;
    }
    try {
      tick_(pool_);
    } catch (const std::exception& e) {
      // A bug in one tick must not stop scheduling: log it and go on.
      log::Get("scheduler")->error("tick failed: {}", e.what());
    }
    ticks_++;
  }
}

}  // namespace fedflow::sched
