#pragma once
// How a chunk reaches the party it is for. The built-in relay is the interconnect (a site-signed
// call to the destination party's server, which stores it in its spool); a message-queue backend
// (RabbitMQ, Pulsar, as FATE offers) would implement this interface and its receiving side, and
// nothing above it (the worker routes, the component SDK, the components) would change.

#include <string>

#include "base/status.hpp"
#include "service/federation/message_key.hpp"

namespace fedflow::federation {

class MessageRelay {
 public:
  virtual ~MessageRelay() = default;
  /// OK once the destination party holds the chunk (or held it already); its refusal otherwise
  /// (PermissionDenied, AlreadyExists, ResourceExhausted, ...), or Unavailable when it could not
  /// be reached (the sender retries).
  virtual Status Deliver(const MessageKey& key, const ChunkInfo& chunk, const std::string& bytes) = 0;
};

}  // namespace fedflow::federation
