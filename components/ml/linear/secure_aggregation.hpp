#pragma once
// Secure aggregation for horizontal (homo) training: every pair of clients agrees on a seed by
// X25519 Diffie-Hellman (libsodium); each client adds to its fixed-point vector the ChaCha20
// stream of each pair's seed, with + towards the clients after it and - towards the ones before
// it (in a common order), all modulo 2^64. The masks cancel in the sum, so the aggregator learns
// only the sum of the clients' vectors, never one client's.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/ml/common/channel.hpp"

namespace fedflow::ml {

class PairwiseMasks final {
 public:
  /// Sends this client's public key to every other client and takes theirs. `context` (the task)
  /// goes into every seed, so seeds are never reused across tasks.
  static StatusOr<PairwiseMasks> Agree(Channel& c, const PartyRef& self, const std::vector<PartyRef>& clients,
                                       const std::string& context);
  /// round(v * 2^32) of each value plus the pairwise masks of round `round`; InvalidArgument when a
  /// value is too large for the fixed-point range (|v| < 2^30).
  StatusOr<std::vector<std::uint64_t>> Mask(const std::vector<double>& values, std::uint64_t round) const;

 private:
  struct Peer {
    unsigned char seed[32];
    bool add;  ///< + for a peer after this client in the common order, - for one before it
  };
  std::vector<Peer> peers_;
};

/// The sum of the clients' vectors from their masked ones (InvalidArgument when the lengths differ).
StatusOr<std::vector<double>> SumOfMasked(const std::vector<std::vector<std::uint64_t>>& masked);

std::string EncodeWords(const std::vector<std::uint64_t>& words);
StatusOr<std::vector<std::uint64_t>> DecodeWords(const std::string& bytes);

}  // namespace fedflow::ml
