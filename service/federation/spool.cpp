#include "service/federation/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/files/private_file.hpp"

namespace fedflow::federation {

namespace fs = std::filesystem;

namespace {

/// A waiting reader re-reads the index this often even without a wake-up: another instance of
/// this party (HA, shared database and spool) may have stored the chunk.
constexpr std::int64_t kRecheckMs = 200;

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("chunk file " + path + " is missing");
  std::string out;
  in.seekg(0, std::ios::end);
  out.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (!in) return InternalError("cannot read chunk file " + path);
  return out;
}

}  // namespace

Spool::Spool(std::string dir, orm::FederationRepository& index, const Clock& clock, std::int64_t job_quota_bytes)
    : dir_(std::move(dir)), index_(index), clock_(clock), quota_(job_quota_bytes) {}

std::string Spool::MessageDir(const MessageKey& key) const {
  // Both names passed MessageKey::Check (a job id) or are a hex digest: no path can leave dir_.
  return (fs::path(dir_) / key.job_id / key.Digest()).string();
}

Status Spool::WriteChunkFile(const std::string& path, const std::string& bytes) const {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return InternalError("cannot create " + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      return InternalError("cannot write " + path + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return InternalError("cannot write " + path + ": " + std::strerror(errno));
  return Status::OK();
}

StatusOr<StoreOutcome> Spool::Store(const MessageKey& key, const ChunkInfo& chunk, const std::string& bytes) {
  const std::int64_t now = clock_.NowMs();
  orm::FedMessageRow wanted;
  wanted.message_key = key.Digest();
  wanted.job_id = key.job_id;
  wanted.task_name = key.task_name;
  wanted.attempt = key.attempt;
  wanted.name = key.name;
  wanted.tag = key.tag;
  wanted.src_role = key.src_role;
  wanted.src_party_id = key.src_party_id;
  wanted.dst_role = key.dst_role;
  wanted.dst_party_id = key.dst_party_id;
  wanted.created_ms = wanted.updated_ms = now;
  FEDFLOW_ASSIGN_OR_RETURN(orm::FedMessageRow message, index_.GetOrCreate(wanted));
  const std::string dir = MessageDir(key);
  const std::string path = (fs::path(dir) / std::to_string(chunk.seq)).string();

  auto seen = index_.GetChunk(message.id, chunk.seq);
  if (seen.ok()) {
    if (seen->digest != chunk.chunk_digest) {
      return AlreadyExistsError("chunk " + std::to_string(chunk.seq) + " of " + key.Describe() +
                                " was received before with other bytes");
    }
    // A retry: the receiver may still need the file if a crash came between the index and it.
    if (message.state != "taken" && !Consumed(dir, chunk.seq) && !fs::exists(path)) {
      FEDFLOW_RETURN_IF_ERROR(files::MakePrivateDirectories(dir));
      FEDFLOW_RETURN_IF_ERROR(WriteChunkFile(path, bytes));
    }
    return StoreOutcome{};
  }
  if (seen.status().code() != StatusCode::kNotFound) return seen.status();
  if (message.state == "taken") return StoreOutcome{};

  // A message larger than the quota can never fit (it is released only once whole): refuse it for
  // good. A job whose other messages fill the quota gets ResourceExhausted, which senders retry.
  if (message.received_bytes + static_cast<std::int64_t>(bytes.size()) > quota_) {
    return FailedPreconditionError(key.Describe() + " is larger than the spool quota of " + std::to_string(quota_) +
                                   " bytes per job at this party (federation.job_spool_quota_bytes)");
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t pending, index_.PendingBytesOfJob(key.job_id));
  if (pending + static_cast<std::int64_t>(bytes.size()) > quota_) {
    return ResourceExhaustedError("job " + key.job_id + " already has " + std::to_string(pending) +
                                  " bytes of messages waiting at this party; this chunk would pass the quota of " +
                                  std::to_string(quota_) + " bytes (federation.job_spool_quota_bytes)");
  }
  FEDFLOW_RETURN_IF_ERROR(files::MakePrivateDirectories(dir));
  // The index decides which of two racing writers of one chunk wins; only the winner's file stays.
  const std::string part = path + ".part-" + RandomHex(6);
  FEDFLOW_RETURN_IF_ERROR(WriteChunkFile(part, bytes));
  orm::FedChunkRow row;
  row.message_id = message.id;
  row.seq = chunk.seq;
  row.bytes = static_cast<std::int64_t>(bytes.size());
  row.digest = chunk.chunk_digest;
  auto added = index_.AddChunk(row, chunk.chunks, chunk.digest, now);
  std::error_code ec;
  if (!added.ok() || !added->recorded) {
    fs::remove(part, ec);
    if (!added.ok()) return added.status();
    return StoreOutcome{};
  }
  fs::rename(part, path, ec);
  if (ec) return InternalError("cannot place chunk file " + path + ": " + ec.message());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++arrivals_;
  }
  arrived_.notify_all();
  return StoreOutcome{true, added->complete};
}

StatusOr<StoredChunk> Spool::Read(const MessageKey& key, std::int32_t seq, std::int64_t wait_ms) {
  const std::string key_digest = key.Digest();
  const std::string path = (fs::path(MessageDir(key)) / std::to_string(seq)).string();
  if (seq > 0) DropConsumedChunk(key, seq - 1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  for (;;) {
    std::uint64_t seen_arrivals;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_arrivals = arrivals_;
    }
    auto message = index_.Get(key_digest);
    if (message.ok()) {
      if (message->state == "taken") {
        return FailedPreconditionError(key.Describe() + " was taken already");
      }
      auto chunk = index_.GetChunk(message->id, seq);
      if (chunk.ok()) {
        // The message row was read before the chunk: read it again, so a last chunk committed in
        // between comes with its message's chunk count (they are written in one transaction).
        message = index_.Get(key_digest);
        if (!message.ok()) return message.status();
        auto bytes = ReadFile(path);
        if (bytes.ok()) {
          StoredChunk out;
          out.bytes = std::move(bytes).value();
          out.chunks = message->chunks;
          out.total_bytes = message->total_bytes;
          out.digest = message->digest;
          out.chunk_digest = chunk->digest;
          return out;
        }
        // Indexed but its file not in place yet (a crash between the two): the sender's retry restores it.
      } else if (chunk.status().code() != StatusCode::kNotFound) {
        return chunk.status();
      }
    } else if (message.status().code() != StatusCode::kNotFound) {
      return message.status();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (shutdown_) return UnavailableError("the server is stopping; ask again");
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return DeadlineExceededError(key.Describe() + " chunk " + std::to_string(seq) + " not here yet");
    auto until = std::min(deadline, now + std::chrono::milliseconds(kRecheckMs));
    arrived_.wait_until(lock, until, [&] { return shutdown_ || arrivals_ != seen_arrivals; });
  }
}

bool Spool::Consumed(const std::string& dir, std::int32_t seq) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = consumed_below_.find(dir);
  return it != consumed_below_.end() && seq < it->second;
}

void Spool::DropConsumedChunk(const MessageKey& key, std::int32_t seq) {
  // The file goes, its row stays: a late retry of the chunk is still recognised. (After a restart
  // such a retry writes the file again; the release removes it.)
  const std::string dir = MessageDir(key);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::int32_t& below = consumed_below_[dir];
    below = std::max(below, seq + 1);
  }
  const std::string path = (fs::path(dir) / std::to_string(seq)).string();
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    log::Get("federation")->warn("job_id={} cannot remove {}: {}", key.job_id, path, std::strerror(errno));
  }
}

Status Spool::Release(const MessageKey& key) {
  FEDFLOW_ASSIGN_OR_RETURN(orm::FedMessageRow message, index_.Get(key.Digest()));
  if (message.state != "complete" && message.state != "taken") {
    return FailedPreconditionError(key.Describe() + " has not been received completely");
  }
  FEDFLOW_RETURN_IF_ERROR(index_.MarkTaken(message.id, clock_.NowMs()));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    consumed_below_.erase(MessageDir(key));
  }
  std::error_code ec;
  fs::remove_all(MessageDir(key), ec);
  if (ec) log::Get("federation")->warn("job_id={} cannot remove {}: {}", key.job_id, MessageDir(key), ec.message());
  return Status::OK();
}

Status Spool::ForgetJob(const std::string& job_id) {
  if (!IsJobId(job_id)) return InvalidArgumentError("not a job id: " + job_id);
  FEDFLOW_RETURN_IF_ERROR(index_.DeleteJob(job_id).status());
  {
    // Message directories are <dir>/<job_id>/<key digest>.
    const std::string prefix = (fs::path(dir_) / job_id).string() + "/";
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = consumed_below_.lower_bound(prefix); it != consumed_below_.end() && it->first.rfind(prefix, 0) == 0;) {
      it = consumed_below_.erase(it);
    }
  }
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / job_id, ec);
  if (ec) return InternalError("cannot remove the spool of job " + job_id + ": " + ec.message());
  return Status::OK();
}

void Spool::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shutdown_ = true;
  }
  arrived_.notify_all();
}

}  // namespace fedflow::federation
