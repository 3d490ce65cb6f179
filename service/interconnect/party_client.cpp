#include "service/interconnect/party_client.hpp"

#include "base/ids.hpp"

namespace fedflow::interconnect {

std::string NewCommandKey(const std::string& job_id, const std::string& command) {
  return job_id + ":" + command + ":" + RandomHex(8);
}

Status Combine(const std::vector<PartyReply>& replies) {
  Status first;
  std::string all;
  int failures = 0;
  for (const auto& r : replies) {
    if (r.status.ok()) continue;
    if (failures++ == 0) first = r.status;
    all += (all.empty() ? "" : "; ") + r.status.message();
  }
  if (failures <= 1) return first;
  Status combined(first.code(), all);
  combined.set_api_code(first.api_code());
  return combined;
}

}  // namespace fedflow::interconnect
