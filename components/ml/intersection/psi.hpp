#pragma once
// Private set intersection between one guest and its hosts, over any message channel (the
// federation in a worker, an in-memory channel in tests). Two protocols, as FATE 1.11 offers:
//
//  rsa  The host makes an RSA key and sends (n, e) and FH(H(id)^d) of its ids. The guest sends
//       each H(id) blinded by a random r^e, the host returns them raised to d, the guest divides
//       r out and compares FH(.) with the host's set.
//  ecdh Each side hashes its ids to ristretto255 and masks them with its secret scalar; each
//       masks the other's points again; equal double-masked points are common ids.
//
// What each side learns: the guest learns which of its ids are common (with cardinality_only
// under ecdh only how many: the host shuffles the guest's double-masked points); the host learns
// nothing about the guest's ids, and which of its own ids are common only when
// sync_intersect_ids is on (the guest then sends their positions in the host's list).

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/ml/common/channel.hpp"

namespace fedflow::ml {

using PsiChannel = Channel;

struct PsiOptions {
  std::string method = "rsa";  ///< rsa | ecdh
  bool sync_intersect_ids = true;
  bool cardinality_only = false;
  // rsa
  int key_length = 1024;
  std::string hash_method = "sha256";
  std::string final_hash_method = "sha256";
  std::string salt;
  /// Threads for the group and modular operations at this party.
  int threads = 2;
};

struct PsiResult {
  /// The common ids this party learned, in its input order (empty when it learns none).
  std::vector<std::string> ids;
  /// How many ids are common; -1 when this party does not learn it.
  std::int64_t count = -1;
  /// True when `ids` is the intersection (false: cardinality only, or a host without sync).
  bool knows_ids = false;
};

/// `ids` must be distinct. The guest intersects with every host in turn (the result is common to all).
StatusOr<PsiResult> RunPsiGuest(PsiChannel& channel, const PsiOptions& options, const std::vector<std::string>& ids,
                                const std::vector<PartyRef>& hosts);
StatusOr<PsiResult> RunPsiHost(PsiChannel& channel, const PsiOptions& options, const std::vector<std::string>& ids,
                               const PartyRef& guest);

/// `ids` without repeats, first occurrence kept.
std::vector<std::string> Distinct(const std::vector<std::string>& ids);

}  // namespace fedflow::ml
