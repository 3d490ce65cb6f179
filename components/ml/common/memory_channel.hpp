#pragma once
// Channels between threads of one process (unit tests and benchmarks): Receive waits for the
// message (a minute by default: a protocol bug fails the test instead of hanging it); a second
// message under one (from, to, name) is refused, as the federation refuses it.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "components/ml/common/channel.hpp"

namespace fedflow::ml {

class MemoryNetwork final {
 public:
  /// `wait`: how long Receive waits (benchmarks with long steps give more).
  explicit MemoryNetwork(std::chrono::milliseconds wait = std::chrono::minutes(1)) : wait_(wait) {}

  class End final : public Channel {
   public:
    End(MemoryNetwork& net, PartyRef self) : net_(net), self_(std::move(self)) {}
    Status Send(const std::string& name, const std::string& bytes, const PartyRef& to) override;
    StatusOr<std::string> Receive(const std::string& name, const PartyRef& from) override;

   private:
    MemoryNetwork& net_;
    PartyRef self_;
  };

 private:
  const std::chrono::milliseconds wait_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> messages_;
};

}  // namespace fedflow::ml
