#pragma once
// A fixed pool of worker threads running submitted closures (no Asio: cheap to include).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fedflow {

/// Runs tasks on `size` threads. Thread-safe. The destructor finishes queued tasks, then joins.
class ThreadPool final {
 public:
  explicit ThreadPool(std::size_t size);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Queues `task`.
  void Submit(std::function<void()> task);
  /// Blocks until every task submitted so far has finished.
  void WaitIdle();

 private:
  void Work();

  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t active_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace fedflow
