#pragma once
// Named byte messages between the parties of one task, whatever carries them: the federation in a
// worker (TransportChannel), threads of one process in tests and benchmarks (MemoryNetwork).
// A name is used once per (sender, receiver): protocols put the iteration and batch in it.

#include <string>
#include <utility>
#include <vector>

#include "base/status.hpp"
#include "components/sdk/transport.hpp"

namespace fedflow::ml {

using worker::PartyRef;

class Channel {
 public:
  virtual ~Channel() = default;
  virtual Status Send(const std::string& name, const std::string& bytes, const PartyRef& to) = 0;
  virtual StatusOr<std::string> Receive(const std::string& name, const PartyRef& from) = 0;
};

/// The federation as a channel: every message of a task carries one tag (the task and module).
class TransportChannel final : public Channel {
 public:
  TransportChannel(worker::Transport& t, std::string tag) : t_(t), tag_(std::move(tag)) {}
  Status Send(const std::string& name, const std::string& bytes, const PartyRef& to) override {
    return t_.Remote(bytes, name, tag_, {to});
  }
  StatusOr<std::string> Receive(const std::string& name, const PartyRef& from) override {
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> got, t_.Get(name, tag_, {from}));
    return std::move(got.front());
  }

 private:
  worker::Transport& t_;
  std::string tag_;
};

}  // namespace fedflow::ml
