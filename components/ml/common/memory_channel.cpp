#include "components/ml/common/memory_channel.hpp"

namespace fedflow::ml {

Status MemoryNetwork::End::Send(const std::string& name, const std::string& bytes, const PartyRef& to) {
  std::lock_guard<std::mutex> lock(net_.mu_);
  auto key = std::make_tuple(self_.Describe(), to.Describe(), name);
  if (net_.messages_.count(key)) return AlreadyExistsError("'" + name + "' was sent to " + to.Describe() + " before");
  net_.messages_[key] = bytes;
  net_.cv_.notify_all();
  return Status::OK();
}

StatusOr<std::string> MemoryNetwork::End::Receive(const std::string& name, const PartyRef& from) {
  std::unique_lock<std::mutex> lock(net_.mu_);
  auto key = std::make_tuple(from.Describe(), self_.Describe(), name);
  if (!net_.cv_.wait_for(lock, net_.wait_, [&] { return net_.messages_.count(key) > 0; })) {
    return DeadlineExceededError("'" + name + "' from " + from.Describe() + " did not come within " +
                                 std::to_string(net_.wait_.count() / 1000) + " s");
  }
  return net_.messages_[key];
}

}  // namespace fedflow::ml
