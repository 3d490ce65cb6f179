#pragma once
// The built-in MessageRelay: POST /v2/partner/federation/push to the destination party over the
// interconnect (signed like every partner call; the key and chunk fields in the signed target,
// the chunk's bytes as the body). A destination that is this party is served in process.

#include "service/federation/relay.hpp"
#include "service/interconnect/party_client.hpp"

namespace fedflow::federation {

/// The partner route a relay posts to.
inline constexpr const char* kPushPath = "/v2/partner/federation/push";

class InterconnectRelay final : public MessageRelay {
 public:
  explicit InterconnectRelay(interconnect::PartyClient& client) : client_(client) {}
  Status Deliver(const MessageKey& key, const ChunkInfo& chunk, const std::string& bytes) override;

 private:
  interconnect::PartyClient& client_;
};

}  // namespace fedflow::federation
