#include "service/federation/interconnect_relay.hpp"

#include "service/http/target.hpp"

namespace fedflow::federation {

Status InterconnectRelay::Deliver(const MessageKey& key, const ChunkInfo& chunk, const std::string& bytes) {
  interconnect::PartyCommand c;
  c.party_id = key.dst_party_id;
  c.path = std::string(kPushPath) + "?" + http::EncodeQuery(ToQuery(key, chunk));
  c.body = bytes;
  c.content_type = "application/octet-stream";
  // Signed as the chunk's digest: the destination's signature check then verifies the bytes.
  c.body_sha256 = chunk.chunk_digest;
  // No idempotency key: a chunk is idempotent by its own key and digest at the destination.
  std::vector<interconnect::PartyCommand> commands;
  commands.push_back(std::move(c));
  auto replies = client_.Send(commands);
  return replies.empty() ? InternalError("no reply from the relay") : replies[0].status;
}

}  // namespace fedflow::federation
