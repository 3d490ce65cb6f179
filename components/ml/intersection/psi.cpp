#include "components/ml/intersection/psi.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "components/crypto/parallel.hpp"
#include "components/crypto/ristretto.hpp"
#include "components/crypto/rsa_blind.hpp"

namespace fedflow::ml {

namespace {

using worker::DecodeList;
using worker::EncodeList;

using crypto::ParallelFor;

/// A uniformly random permutation of [0, n) from libsodium's generator (the host hides order).
std::vector<std::size_t> RandomPermutation(std::size_t n) {
  std::vector<std::size_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = i;
  for (std::size_t i = n; i > 1; --i) {
    std::size_t j = randombytes_uniform(static_cast<std::uint32_t>(i));
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

StatusOr<std::vector<std::string>> ReceiveList(PsiChannel& c, const std::string& name, const PartyRef& from,
                                               std::size_t expected = SIZE_MAX) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive(name, from));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> items, DecodeList(bytes));
  if (expected != SIZE_MAX && items.size() != expected) {
    return InvalidArgumentError("'" + name + "' from " + from.Describe() + " has " + std::to_string(items.size()) +
                                " items, expected " + std::to_string(expected));
  }
  return items;
}

std::string EncodeIndices(const std::vector<std::uint32_t>& indices) {
  std::string out(indices.size() * 4, '\0');
  for (std::size_t i = 0; i < indices.size(); ++i) {
    for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<char>((indices[i] >> (8 * b)) & 0xff);
  }
  return out;
}

StatusOr<std::vector<std::uint32_t>> DecodeIndices(const std::string& bytes, std::size_t bound) {
  if (bytes.size() % 4 != 0) return InvalidArgumentError("an index list must be a multiple of 4 bytes");
  std::vector<std::uint32_t> out(bytes.size() / 4);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint32_t v = 0;
    for (int b = 0; b < 4; ++b) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b])) << (8 * b);
    if (v >= bound) return InvalidArgumentError("an intersection index is out of range");
    out[i] = v;
  }
  return out;
}

// ---- ecdh ----

/// secret * H(hash_method(id + salt)) for each id.
StatusOr<std::vector<std::string>> MaskIds(const crypto::RistrettoKey& key, const PsiOptions& o,
                                           const std::vector<std::string>& ids) {
  std::vector<std::string> out(ids.size());
  FEDFLOW_RETURN_IF_ERROR(ParallelFor(ids.size(), o.threads, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(std::string digest, crypto::DigestOf(o.hash_method, ids[i] + o.salt));
    FEDFLOW_ASSIGN_OR_RETURN(crypto::Point p, key.Mask(crypto::HashToPoint(digest)));
    out[i] = crypto::ToBytes(p);
    return Status::OK();
  }));
  return out;
}

/// secret * p for points the other side sent (each checked to be a valid group element).
StatusOr<std::vector<std::string>> MaskPoints(const crypto::RistrettoKey& key, const std::vector<std::string>& points,
                                              int threads) {
  std::vector<std::string> out(points.size());
  FEDFLOW_RETURN_IF_ERROR(ParallelFor(points.size(), threads, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(crypto::Point p, crypto::PointFromBytes(points[i]));
    FEDFLOW_ASSIGN_OR_RETURN(crypto::Point q, key.Mask(p));
    out[i] = crypto::ToBytes(q);
    return Status::OK();
  }));
  return out;
}

/// What the guest found with one host: for each guest index in the intersection, the host index
/// (-1 for every guest index when it may only count), and the count.
struct HostMatch {
  std::vector<std::int64_t> host_index_of_guest;
  std::int64_t count = 0;
};

/// Which of the guest's comparable values (`guest_side`, in guest order) are among the host's.
HostMatch Match(const std::vector<std::string>& host_side, const std::vector<std::string>& guest_side, bool count_only) {
  std::unordered_map<std::string, std::int64_t> index;
  index.reserve(host_side.size());
  for (std::size_t j = 0; j < host_side.size(); ++j) index.emplace(host_side[j], static_cast<std::int64_t>(j));
  HostMatch m;
  m.host_index_of_guest.assign(guest_side.size(), -1);
  for (std::size_t i = 0; i < guest_side.size(); ++i) {
    auto it = index.find(guest_side[i]);
    if (it == index.end()) continue;
    ++m.count;
    if (!count_only) m.host_index_of_guest[i] = it->second;
  }
  return m;
}

StatusOr<HostMatch> EcdhGuestWith(PsiChannel& c, const PsiOptions& o, const std::vector<std::string>& ids,
                                  const std::vector<std::string>& masked, const crypto::RistrettoKey& key,
                                  const PartyRef& host) {
  FEDFLOW_RETURN_IF_ERROR(c.Send("ecdh_guest_masked", EncodeList(masked), host));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> host_masked, ReceiveList(c, "ecdh_host_masked", host));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> host_double, MaskPoints(key, host_masked, o.threads));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> guest_double,
                           ReceiveList(c, "ecdh_guest_double", host, ids.size()));
  return Match(host_double, guest_double, o.cardinality_only);
}

Status EcdhHost(PsiChannel& c, const PsiOptions& o, const std::vector<std::string>& ids,
                                            const PartyRef& guest) {
  const crypto::RistrettoKey key = crypto::RistrettoKey::Random();
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> masked, MaskIds(key, o, ids));
  FEDFLOW_RETURN_IF_ERROR(c.Send("ecdh_host_masked", EncodeList(masked), guest));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> guest_masked, ReceiveList(c, "ecdh_guest_masked", guest));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> guest_double, MaskPoints(key, guest_masked, o.threads));
  if (o.cardinality_only) {
    std::vector<std::size_t> order = RandomPermutation(guest_double.size());
    std::vector<std::string> shuffled(guest_double.size());
    for (std::size_t i = 0; i < order.size(); ++i) shuffled[i] = std::move(guest_double[order[i]]);
    guest_double = std::move(shuffled);
  }
  return c.Send("ecdh_guest_double", EncodeList(guest_double), guest);
}

// ---- rsa ----

StatusOr<std::string> HashedId(const PsiOptions& o, const std::string& id) {
  return crypto::DigestOf(o.hash_method, id + o.salt);
}

StatusOr<HostMatch> RsaGuestWith(PsiChannel& c, const PsiOptions& o, const std::vector<std::string>& ids,
                                 const PartyRef& host) {
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> pub, ReceiveList(c, "rsa_pubkey", host, 2));
  FEDFLOW_ASSIGN_OR_RETURN(crypto::RsaPublicKey key, crypto::RsaPublicKey::FromBytes(pub[0], pub[1]));
  std::vector<std::string> blinded(ids.size()), r(ids.size());
  FEDFLOW_RETURN_IF_ERROR(ParallelFor(ids.size(), o.threads, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(std::string h, HashedId(o, ids[i]));
    blinded[i] = key.Blind(h, &r[i]);
    return Status::OK();
  }));
  FEDFLOW_RETURN_IF_ERROR(c.Send("rsa_guest_blinded", EncodeList(blinded), host));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> host_set, ReceiveList(c, "rsa_host_signed", host));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> signed_blinded, ReceiveList(c, "rsa_guest_signed", host, ids.size()));
  std::vector<std::string> mine(ids.size());
  FEDFLOW_RETURN_IF_ERROR(ParallelFor(ids.size(), o.threads, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(std::string s, key.Unblind(signed_blinded[i], r[i]));
    FEDFLOW_ASSIGN_OR_RETURN(mine[i], crypto::DigestOf(o.final_hash_method, s));
    return Status::OK();
  }));
  return Match(host_set, mine, o.cardinality_only);
}

Status RsaHost(PsiChannel& c, const PsiOptions& o, const std::vector<std::string>& ids, const PartyRef& guest) {
  FEDFLOW_ASSIGN_OR_RETURN(crypto::RsaPrivateKey key, crypto::RsaPrivateKey::Generate(o.key_length));
  FEDFLOW_RETURN_IF_ERROR(
      c.Send("rsa_pubkey", EncodeList({key.public_key().n_bytes(), key.public_key().e_bytes()}), guest));
  std::vector<std::string> own(ids.size());
  FEDFLOW_RETURN_IF_ERROR(ParallelFor(ids.size(), o.threads, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(std::string h, HashedId(o, ids[i]));
    FEDFLOW_ASSIGN_OR_RETURN(std::string s, key.Sign(h));
    FEDFLOW_ASSIGN_OR_RETURN(own[i], crypto::DigestOf(o.final_hash_method, s));
    return Status::OK();
  }));
  FEDFLOW_RETURN_IF_ERROR(c.Send("rsa_host_signed", EncodeList(own), guest));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> blinded, ReceiveList(c, "rsa_guest_blinded", guest));
  std::vector<std::string> signed_blinded(blinded.size());
  FEDFLOW_RETURN_IF_ERROR(ParallelFor(blinded.size(), o.threads, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(signed_blinded[i], key.Sign(blinded[i]));
    return Status::OK();
  }));
  return c.Send("rsa_guest_signed", EncodeList(signed_blinded), guest);
}

Status CheckOptions(const PsiOptions& o) {
  if (o.method != "rsa" && o.method != "ecdh") {
    return InvalidArgumentError("intersect_method '" + o.method + "' is not supported; use rsa or ecdh");
  }
  return Status::OK();
}

}  // namespace

std::vector<std::string> Distinct(const std::vector<std::string>& ids) {
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& id : ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

StatusOr<PsiResult> RunPsiGuest(PsiChannel& channel, const PsiOptions& o, const std::vector<std::string>& ids,
                                const std::vector<PartyRef>& hosts) {
  FEDFLOW_RETURN_IF_ERROR(CheckOptions(o));
  FEDFLOW_RETURN_IF_ERROR(crypto::InitSodium());
  if (hosts.empty()) return InvalidArgumentError("an intersection needs at least one host");
  std::vector<HostMatch> matches;
  if (o.method == "ecdh") {
    const crypto::RistrettoKey key = crypto::RistrettoKey::Random();
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> masked, MaskIds(key, o, ids));
    for (const auto& h : hosts) {
      FEDFLOW_ASSIGN_OR_RETURN(HostMatch m, EcdhGuestWith(channel, o, ids, masked, key, h));
      matches.push_back(std::move(m));
    }
  } else {
    for (const auto& h : hosts) {
      FEDFLOW_ASSIGN_OR_RETURN(HostMatch m, RsaGuestWith(channel, o, ids, h));
      matches.push_back(std::move(m));
    }
  }
  PsiResult result;
  if (o.cardinality_only) {
    // With one host the count is exact; with several, only per host counts exist: report the least.
    result.count = matches.front().count;
    for (const auto& m : matches) result.count = std::min(result.count, m.count);
    return result;
  }
  std::vector<std::size_t> common;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    bool everywhere = true;
    for (const auto& m : matches) everywhere = everywhere && m.host_index_of_guest[i] >= 0;
    if (everywhere) common.push_back(i);
  }
  for (std::size_t i : common) result.ids.push_back(ids[i]);
  result.count = static_cast<std::int64_t>(common.size());
  result.knows_ids = true;
  if (o.sync_intersect_ids) {
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      std::vector<std::uint32_t> indices;
      for (std::size_t i : common) indices.push_back(static_cast<std::uint32_t>(matches[h].host_index_of_guest[i]));
      std::sort(indices.begin(), indices.end());
      FEDFLOW_RETURN_IF_ERROR(channel.Send("intersect_ids", EncodeIndices(indices), hosts[h]));
    }
  }
  return result;
}

StatusOr<PsiResult> RunPsiHost(PsiChannel& channel, const PsiOptions& o, const std::vector<std::string>& ids,
                               const PartyRef& guest) {
  FEDFLOW_RETURN_IF_ERROR(CheckOptions(o));
  FEDFLOW_RETURN_IF_ERROR(crypto::InitSodium());
  if (ids.size() > UINT32_MAX) return InvalidArgumentError("more than 2^32 ids at one host");
  if (o.method == "ecdh") {
    FEDFLOW_RETURN_IF_ERROR(EcdhHost(channel, o, ids, guest));
  } else {
    FEDFLOW_RETURN_IF_ERROR(RsaHost(channel, o, ids, guest));
  }
  PsiResult result;
  if (o.sync_intersect_ids && !o.cardinality_only) {
    FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, channel.Receive("intersect_ids", guest));
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::uint32_t> indices, DecodeIndices(bytes, ids.size()));
    std::vector<bool> common(ids.size(), false);
    for (std::uint32_t j : indices) common[j] = true;
    for (std::size_t j = 0; j < ids.size(); ++j) {
      if (common[j]) result.ids.push_back(ids[j]);
    }
    result.count = static_cast<std::int64_t>(result.ids.size());
    result.knows_ids = true;
  }
  return result;
}

}  // namespace fedflow::ml
