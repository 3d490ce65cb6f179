#include "components/crypto/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace fedflow::crypto {

int HardwareThreads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

Status ParallelFor(std::size_t n, int threads, const std::function<Status(std::size_t)>& fn, std::size_t grain) {
  grain = std::max<std::size_t>(1, grain);
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  Status first = Status::OK();
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (;;) {
      const std::size_t begin = next.fetch_add(grain);
      if (begin >= n || failed.load()) return;
      for (std::size_t i = begin; i < std::min(n, begin + grain); ++i) {
        Status s = fn(i);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = s;
          failed = true;
          return;
        }
      }
    }
  };
  // No more threads than there are pieces of work.
  const std::size_t pieces = (n + grain - 1) / grain;
  const int used = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), std::max<std::size_t>(1, pieces)));
  std::vector<std::thread> pool;
  for (int t = 1; t < used; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return first;
}

}  // namespace fedflow::crypto
