#include "components/sdk/transport.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <future>
#include <thread>

#include "components/sdk/sha256_stream.hpp"

namespace fedflow::worker {

namespace bj = boost::json;

namespace {

using SteadyClock = std::chrono::steady_clock;

/// The server's limit (service/federation/message_key.hpp, kMaxChunks).
constexpr std::int32_t kMaxChunksPerMessage = 1000000;

/// The server's reason for a refused call, as a Status the component can return.
Status Refused(const std::string& what, const WorkerReply& reply) {
  if (reply.status == 0) return UnavailableError(what + ": the server did not answer");
  std::string message = reply.body;
  boost::system::error_code ec;
  bj::value v = bj::parse(reply.body, ec);
  if (!ec && v.is_object()) message = StringOf(v.as_object(), "message", reply.body);
  std::string text = what + " refused (HTTP " + std::to_string(reply.status) + "): " + message;
  if (reply.status == 403) return PermissionDeniedError(text);
  if (reply.status == 409) return AlreadyExistsError(text);
  if (reply.status == 429 || reply.status == 507) return ResourceExhaustedError(text);
  if (reply.status >= 500) return UnavailableError(text);
  return FailedPreconditionError(text);
}

std::string Query(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string q;
  for (const auto& [k, v] : fields) {
    if (!q.empty()) q += "&";
    q += std::string(k) + "=" + UrlEncode(v);
  }
  return q;
}

std::string HeaderOf(const WorkerReply& r, const char* name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

}  // namespace

std::string EncodeList(const std::vector<std::string>& items) {
  std::size_t size = 0;
  for (const auto& i : items) size += 4 + i.size();
  std::string out;
  out.reserve(size);
  for (const auto& i : items) {
    const auto n = static_cast<std::uint32_t>(i.size());
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((n >> (8 * b)) & 0xff));
    out += i;
  }
  return out;
}

StatusOr<std::vector<std::string>> DecodeList(const std::string& bytes) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 4) return InvalidArgumentError("a list ends inside an item's length");
    std::uint32_t n = 0;
    for (int b = 0; b < 4; ++b) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + b])) << (8 * b);
    at += 4;
    if (bytes.size() - at < n) return InvalidArgumentError("a list item is longer than the message");
    out.emplace_back(bytes, at, n);
    at += n;
  }
  return out;
}

std::string EncodeDoubles(const std::vector<double>& values) {
  static_assert(sizeof(double) == 8);
  std::string out(values.size() * 8, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, &values[i], 8);
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
  }
  return out;
}

StatusOr<std::vector<double>> DecodeDoubles(const std::string& bytes) {
  if (bytes.size() % 8 != 0) return InvalidArgumentError("a numeric array must be a multiple of 8 bytes long");
  std::vector<double> out(bytes.size() / 8);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint64_t bits = 0;
    for (int b = 0; b < 8; ++b) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i * 8 + b])) << (8 * b);
    std::memcpy(&out[i], &bits, 8);
  }
  return out;
}

Transport::Transport(WorkerSession& session, TransportOptions options) : session_(session), options_(options) {
  self_ = PartyRef{StringOf(session.config(), "role"), StringOf(session.config(), "party_id")};
  if (const bj::value* parties = session.config().if_contains("task_parties"); parties && parties->is_array()) {
    for (const auto& p : parties->as_array()) {
      if (!p.is_object()) continue;
      task_parties_.push_back(PartyRef{StringOf(p.as_object(), "role"), StringOf(p.as_object(), "party_id")});
    }
  }
}

std::vector<PartyRef> Transport::PartiesOf(const std::string& role) const {
  std::vector<PartyRef> out;
  for (const auto& p : task_parties_) {
    if (p.role == role) out.push_back(p);
  }
  return out;
}

Status Transport::SendChunk(const std::string& name, const std::string& tag, const PartyRef& to, std::int32_t seq,
                            const std::string& piece, const std::string& chunk_digest, std::int32_t chunks,
                            std::int64_t total, const std::string& digest) {
  std::string query = Query({{"name", name},
                             {"tag", tag},
                             {"dst_role", to.role},
                             {"dst_party_id", to.party_id},
                             {"seq", std::to_string(seq)},
                             {"chunk_digest", chunk_digest}});
  if (chunks > 0) {
    query += "&" + Query({{"chunks", std::to_string(chunks)}, {"total_bytes", std::to_string(total)}, {"digest", digest}});
  }
  // Retried while a server on the way is down; a chunk sent twice is accepted once. A full spool
  // at the destination (429) is back-pressure: wait for its receiver to take messages.
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.send_retry_ms);
  WorkerReply reply;
  for (;;) {
    reply = session_.Call("POST", "/v2/worker/federation/send?" + query, piece, options_.send_retry_ms, 120000,
                          "application/octet-stream");
    if (reply.status != 429 || SteadyClock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (reply.status == 200) return Status::OK();
  return Refused("sending '" + name + "' (" + tag + ") chunk " + std::to_string(seq) + " to " + to.Describe(), reply);
}

Status Transport::RemoteStream(const ByteSource& source, const std::string& name, const std::string& tag,
                               const PartyRef& to) {
  // The object's digest covers its chunks' digests in order: each byte is hashed once here.
  Sha256Stream whole;
  std::int64_t total = 0;
  bool more = true;
  auto fill = [&](std::string* buffer) -> Status {
    while (more && buffer->size() < options_.chunk_bytes) {
      FEDFLOW_ASSIGN_OR_RETURN(more, source(options_.chunk_bytes - buffer->size(), buffer));
    }
    return Status::OK();
  };
  // Several chunks travel at once (each hop works on one while the next is on the wire); the
  // destination takes them in any order.
  std::deque<std::future<Status>> in_flight;
  Status failed = Status::OK();
  auto settle_oldest = [&] {
    Status s = in_flight.front().get();
    in_flight.pop_front();
    if (failed.ok() && !s.ok()) failed = s;
  };
  std::string current;
  FEDFLOW_RETURN_IF_ERROR(fill(&current));
  for (std::int32_t seq = 0; failed.ok(); ++seq) {
    // One chunk ahead: the last chunk must say it is the last.
    std::string next;
    Status filled = fill(&next);
    if (!filled.ok()) {
      failed = filled;
      break;
    }
    const bool last = next.empty() && !more;
    if (!last && seq + 1 >= kMaxChunksPerMessage) {
      failed = InvalidArgumentError("'" + name + "' needs more than " + std::to_string(kMaxChunksPerMessage) + " chunks");
      break;
    }
    std::string chunk_digest = Sha256HexOf(current);
    whole.Update(chunk_digest);
    total += static_cast<std::int64_t>(current.size());
    const std::int32_t chunks = last ? seq + 1 : 0;
    std::string digest = last ? whole.FinishHex() : "";
    if (in_flight.size() >= static_cast<std::size_t>(std::max(1, options_.chunks_in_flight))) settle_oldest();
    in_flight.push_back(std::async(std::launch::async, [this, &name, &tag, &to, seq, piece = std::move(current),
                                                        chunk_digest = std::move(chunk_digest), chunks, total,
                                                        digest = std::move(digest)] {
      return SendChunk(name, tag, to, seq, piece, chunk_digest, chunks, total, digest);
    }));
    if (last) break;
    current = std::move(next);
  }
  while (!in_flight.empty()) settle_oldest();
  return failed;
}

Status Transport::Remote(const std::string& bytes, const std::string& name, const std::string& tag,
                         const std::vector<PartyRef>& to) {
  for (const PartyRef& party : to) {
    std::size_t offset = 0;
    auto source = [&](std::size_t max, std::string* out) -> StatusOr<bool> {
      std::size_t n = std::min(max, bytes.size() - offset);
      out->append(bytes, offset, n);
      offset += n;
      return offset < bytes.size();
    };
    FEDFLOW_RETURN_IF_ERROR(RemoteStream(source, name, tag, party));
  }
  return Status::OK();
}

StatusOr<std::int64_t> Transport::GetStream(const std::string& name, const std::string& tag, const PartyRef& from,
                                            const ByteSink& sink) {
  const std::string what = "'" + name + "' (" + tag + ") from " + from.Describe();
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.get_timeout_ms);
  Sha256Stream whole;
  std::int64_t total = 0;
  std::int32_t chunks = 0;
  std::string digest;
  auto fetch = [&](std::int32_t seq) {
    const std::string query = Query({{"name", name},
                                     {"tag", tag},
                                     {"src_role", from.role},
                                     {"src_party_id", from.party_id},
                                     {"seq", std::to_string(seq)},
                                     {"wait_ms", "20000"}});
    return std::async(std::launch::async, [this, query] {
      return session_.Call("GET", "/v2/worker/federation/receive?" + query, "", options_.send_retry_ms, 60000);
    });
  };
  // The next chunk is asked for while this one is checked and handed on. A chunk without the
  // message's chunk count is not the last (the last one's arrival sets the count), so the next
  // one exists.
  std::future<WorkerReply> next = fetch(0);
  for (std::int32_t seq = 0; chunks == 0 || seq < chunks;) {
    WorkerReply reply = next.get();
    if (reply.status == 204) {
      if (SteadyClock::now() > deadline) {
        return DeadlineExceededError(what + " did not arrive within " + std::to_string(options_.get_timeout_ms / 1000) + " s");
      }
      next = fetch(seq);
      continue;
    }
    if (reply.status != 200) return Refused("receiving " + what, reply);
    const std::string announced = HeaderOf(reply, "x-fedflow-chunks");
    const std::int32_t known_chunks =
        announced.empty() ? 0 : static_cast<std::int32_t>(std::strtol(announced.c_str(), nullptr, 10));
    if (known_chunks == 0 || seq + 1 < known_chunks) next = fetch(seq + 1);
    const std::string chunk_digest = Sha256HexOf(reply.body);
    if (chunk_digest != HeaderOf(reply, "x-fedflow-chunk-digest")) {
      return InternalError(what + ": chunk " + std::to_string(seq) + " does not match its digest");
    }
    if (known_chunks > 0) {
      chunks = known_chunks;
      digest = HeaderOf(reply, "x-fedflow-digest");
    }
    whole.Update(chunk_digest);
    total += static_cast<std::int64_t>(reply.body.size());
    FEDFLOW_RETURN_IF_ERROR(sink(reply.body));
    ++seq;
  }
  if (whole.FinishHex() != digest) return InternalError(what + " does not match its digest");
  WorkerReply released = session_.Call(
      "POST", "/v2/worker/federation/release?" +
                  Query({{"name", name}, {"tag", tag}, {"src_role", from.role}, {"src_party_id", from.party_id}}),
      "{}", options_.send_retry_ms);
  // The message is here and intact; a spool entry left behind goes with the job's end.
  if (released.status != 200) std::printf("release of %s not confirmed (HTTP %d)\n", what.c_str(), released.status);
  return total;
}

StatusOr<std::vector<std::string>> Transport::Get(const std::string& name, const std::string& tag,
                                                  const std::vector<PartyRef>& from) {
  std::vector<std::string> out;
  for (const PartyRef& party : from) {
    std::string bytes;
    FEDFLOW_RETURN_IF_ERROR(GetStream(name, tag, party, [&bytes](const std::string& piece) {
                              bytes += piece;
                              return Status::OK();
                            }).status());
    out.push_back(std::move(bytes));
  }
  return out;
}

Status Transport::RemoteDoubles(const std::vector<double>& values, const std::string& name, const std::string& tag,
                                const std::vector<PartyRef>& to) {
  return Remote(EncodeDoubles(values), name, tag, to);
}

StatusOr<std::vector<std::vector<double>>> Transport::GetDoubles(const std::string& name, const std::string& tag,
                                                                 const std::vector<PartyRef>& from) {
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> raw, Get(name, tag, from));
  std::vector<std::vector<double>> out;
  for (const auto& r : raw) {
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> v, DecodeDoubles(r));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace fedflow::worker
