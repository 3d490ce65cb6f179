#pragma once
// Cross-party transport for components, modelled on FATE's federation API: Remote(obj, name, tag,
// parties) and Get(name, tag, parties). A message goes worker -> this party's server -> the
// destination party's server (site-signed interconnect) -> the destination worker, in chunks of
// at most 4 MiB, each with its SHA-256 and, with the last one, the object's digest (the SHA-256 of
// its chunks' hex digests in order, so every byte is hashed once per end). Objects
// can be streamed from and to files, so neither the worker nor a server holds a large one whole.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::worker {

struct PartyRef {
  std::string role;
  std::string party_id;
  bool operator==(const PartyRef&) const = default;
  std::string Describe() const { return role + ":" + party_id; }
};

/// Gives the next piece of an object: up to `max` bytes appended to `out`; false at the end.
using ByteSource = std::function<StatusOr<bool>(std::size_t max, std::string* out)>;
/// Takes the next piece of an arriving object.
using ByteSink = std::function<Status(const std::string& piece)>;

struct TransportOptions {
  std::size_t chunk_bytes = 4u << 20;
  /// Chunks of one message sent at once.
  int chunks_in_flight = 3;
  /// How long a send keeps retrying while a server on the way is down (it may be restarting).
  std::int64_t send_retry_ms = 600000;
  /// How long a get waits for a message before it fails (the attempt's own timeout still applies).
  std::int64_t get_timeout_ms = 3600000;
};

class Transport final {
 public:
  explicit Transport(WorkerSession& session, TransportOptions options = {});

  /// This worker's end.
  const PartyRef& self() const { return self_; }
  /// The task's parties in `role`, in the plan's order (FATE's parties order).
  std::vector<PartyRef> PartiesOf(const std::string& role) const;

  /// Sends `bytes` to each of `to`.
  Status Remote(const std::string& bytes, const std::string& name, const std::string& tag,
                const std::vector<PartyRef>& to);
  /// One message from each of `from`, in that order.
  StatusOr<std::vector<std::string>> Get(const std::string& name, const std::string& tag,
                                         const std::vector<PartyRef>& from);
  /// Streams an object to one party; `total_bytes` is informational (shown while it travels).
  Status RemoteStream(const ByteSource& source, const std::string& name, const std::string& tag, const PartyRef& to);
  /// Streams a message from one party into `sink`; the digest is checked before the server is told
  /// to release it. Returns its size.
  StatusOr<std::int64_t> GetStream(const std::string& name, const std::string& tag, const PartyRef& from,
                                   const ByteSink& sink);

  /// Numeric arrays, as little-endian IEEE doubles.
  Status RemoteDoubles(const std::vector<double>& values, const std::string& name, const std::string& tag,
                       const std::vector<PartyRef>& to);
  StatusOr<std::vector<std::vector<double>>> GetDoubles(const std::string& name, const std::string& tag,
                                                        const std::vector<PartyRef>& from);
  /// Protobuf messages (any type with SerializeToString / ParseFromString).
  template <typename Message>
  Status RemoteMessage(const Message& m, const std::string& name, const std::string& tag, const std::vector<PartyRef>& to) {
    std::string bytes;
    if (!m.SerializeToString(&bytes)) return InternalError("cannot serialize '" + name + "'");
    return Remote(bytes, name, tag, to);
  }
  template <typename Message>
  StatusOr<std::vector<Message>> GetMessages(const std::string& name, const std::string& tag,
                                             const std::vector<PartyRef>& from) {
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> raw, Get(name, tag, from));
    std::vector<Message> out(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (!out[i].ParseFromString(raw[i])) {
        return InvalidArgumentError("'" + name + "' from " + from[i].Describe() + " is not a valid message");
      }
    }
    return out;
  }

 private:
  Status SendChunk(const std::string& name, const std::string& tag, const PartyRef& to, std::int32_t seq,
                   const std::string& piece, const std::string& chunk_digest, std::int32_t chunks, std::int64_t total,
                   const std::string& digest);

  WorkerSession& session_;
  TransportOptions options_;
  PartyRef self_;
  std::vector<PartyRef> task_parties_;
};

/// A list of byte strings, each length-prefixed (4 bytes, little-endian), and back.
std::string EncodeList(const std::vector<std::string>& items);
StatusOr<std::vector<std::string>> DecodeList(const std::string& bytes);
/// `values` as little-endian doubles and back.
std::string EncodeDoubles(const std::vector<double>& values);
StatusOr<std::vector<double>> DecodeDoubles(const std::string& bytes);

}  // namespace fedflow::worker
