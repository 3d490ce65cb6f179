#pragma once
// The scheduler's timer: a tick every `interval_ms`, or sooner when nudged
// (a worker report, a new job). Polling stays the source of truth; a nudge only brings the next
// tick forward. Jobs of one tick are driven in parallel on a small pool.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <functional>

#include "base/thread_pool.hpp"

namespace fedflow::sched {

/// Owns the loop thread. Start once, Stop once (also in the destructor).
class SchedulingLoop final {
 public:
  /// `tick(pool)` runs one scheduler tick (JobScheduler::RunOnce), driving jobs on `pool`.
  SchedulingLoop(std::function<void(ThreadPool&)> tick, std::int64_t interval_ms, std::size_t parallel_jobs);
  ~SchedulingLoop();

  void Start();
  /// Finishes the current tick and joins.
  void Stop();
  /// Brings the next tick forward (thread-safe, cheap).
  void Nudge(const std::string& job_id);
  /// Ticks run so far (tests, metrics).
  std::uint64_t ticks() const { return ticks_.load(); }

 private:
  void Run();

  std::function<void(ThreadPool&)> tick_;
  std::int64_t interval_ms_;
  ThreadPool pool_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool nudged_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> ticks_{0};
  std::thread thread_;
};

}  // namespace fedflow::sched
