#include "components/ml/linear/secure_aggregation.hpp"

#include <sodium.h>

#include <cmath>
#include <cstring>

namespace fedflow::ml {

namespace {

constexpr double kScale = 4294967296.0;  // 2^32
constexpr double kLimit = 1073741824.0;  // 2^30

}  // namespace

StatusOr<PairwiseMasks> PairwiseMasks::Agree(Channel& c, const PartyRef& self, const std::vector<PartyRef>& clients,
                                             const std::string& context) {
  if (sodium_init() < 0) return InternalError("libsodium cannot be initialized");
  unsigned char secret[crypto_scalarmult_SCALARBYTES], mine[crypto_scalarmult_BYTES];
  randombytes_buf(secret, sizeof(secret));
  crypto_scalarmult_base(mine, secret);
  const std::string mine_bytes(reinterpret_cast<const char*>(mine), sizeof(mine));
  for (const PartyRef& other : clients) {
    if (other == self) continue;
    FEDFLOW_RETURN_IF_ERROR(c.Send("dh_public", mine_bytes, other));
  }
  PairwiseMasks masks;
  const std::string me = self.Describe();
  for (const PartyRef& other : clients) {
    if (other == self) continue;
    FEDFLOW_ASSIGN_OR_RETURN(std::string theirs, c.Receive("dh_public", other));
    if (theirs.size() != crypto_scalarmult_BYTES) {
      return InvalidArgumentError("the public key from " + other.Describe() + " is not an X25519 key");
    }
    unsigned char shared[crypto_scalarmult_BYTES];
    if (crypto_scalarmult(shared, secret, reinterpret_cast<const unsigned char*>(theirs.data())) != 0) {
      return InvalidArgumentError("the public key from " + other.Describe() + " is a weak X25519 point");
    }
    // seed = BLAKE2b(shared, first key, second key, first party, second party, context), in the
    // common order, so both ends derive the same seed.
    const bool first = me < other.Describe();
    const std::string& a = first ? mine_bytes : theirs;
    const std::string& b = first ? theirs : mine_bytes;
    const std::string names = (first ? me : other.Describe()) + "|" + (first ? other.Describe() : me) + "|" + context;
    Peer peer;
    crypto_generichash_state h;
    crypto_generichash_init(&h, nullptr, 0, sizeof(peer.seed));
    crypto_generichash_update(&h, shared, sizeof(shared));
    crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(a.data()), a.size());
    crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(b.data()), b.size());
    crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(names.data()), names.size());
    crypto_generichash_final(&h, peer.seed, sizeof(peer.seed));
    sodium_memzero(shared, sizeof(shared));
    peer.add = first;
    masks.peers_.push_back(peer);
  }
  sodium_memzero(secret, sizeof(secret));
  return masks;
}

StatusOr<std::vector<std::uint64_t>> PairwiseMasks::Mask(const std::vector<double>& values, std::uint64_t round) const {
  std::vector<std::uint64_t> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]) || std::abs(values[i]) >= kLimit) {
      return InvalidArgumentError("a value to aggregate (" + std::to_string(values[i]) +
                                  ") is outside the fixed-point range of +-2^30");
    }
    out[i] = static_cast<std::uint64_t>(static_cast<std::int64_t>(std::llround(values[i] * kScale)));
  }
  std::vector<std::uint64_t> stream(values.size());
  unsigned char nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};
  std::memcpy(nonce, &round, sizeof(round));
  for (const Peer& p : peers_) {
    crypto_stream_chacha20_ietf(reinterpret_cast<unsigned char*>(stream.data()), stream.size() * sizeof(std::uint64_t),
                                nonce, p.seed);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = p.add ? out[i] + stream[i] : out[i] - stream[i];
  }
  return out;
}

StatusOr<std::vector<double>> SumOfMasked(const std::vector<std::vector<std::uint64_t>>& masked) {
  if (masked.empty()) return std::vector<double>{};
  std::vector<std::uint64_t> sum(masked.front().size(), 0);
  for (const auto& m : masked) {
    if (m.size() != sum.size()) {
      return InvalidArgumentError("clients sent vectors of " + std::to_string(sum.size()) + " and " +
                                  std::to_string(m.size()) + " values: they do not have the same features");
    }
    for (std::size_t i = 0; i < m.size(); ++i) sum[i] += m[i];  // modulo 2^64: the masks cancel
  }
  std::vector<double> out(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) out[i] = static_cast<double>(static_cast<std::int64_t>(sum[i])) / kScale;
  return out;
}

std::string EncodeWords(const std::vector<std::uint64_t>& words) {
  std::string out(words.size() * 8, '\0');
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((words[i] >> (8 * b)) & 0xff);
  }
  return out;
}

StatusOr<std::vector<std::uint64_t>> DecodeWords(const std::string& bytes) {
  if (bytes.size() % 8 != 0) return InvalidArgumentError("a masked vector must be a multiple of 8 bytes long");
  std::vector<std::uint64_t> out(bytes.size() / 8);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint64_t w = 0;
    for (int b = 0; b < 8; ++b) w |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i * 8 + b])) << (8 * b);
    out[i] = w;
  }
  return out;
}

}  // namespace fedflow::ml
