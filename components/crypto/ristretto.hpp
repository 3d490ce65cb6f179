#pragma once
// The prime-order group ristretto255 (libsodium) for ECDH-PSI: ids hashed to points, points
// masked with a party's secret scalar. Masking is commutative: a*(b*H(x)) == b*(a*H(x)).

#include <array>
#include <string>

#include "base/status.hpp"

namespace fedflow::crypto {

using Point = std::array<unsigned char, 32>;

/// Initializes libsodium once; Internal when it cannot.
Status InitSodium();

/// H(id): SHA-512 of a domain-separated id, mapped to the group.
Point HashToPoint(const std::string& id);

class RistrettoKey final {
 public:
  /// A fresh random secret scalar.
  static RistrettoKey Random();
  /// secret * p; InvalidArgument when `p` is not a valid encoding or the result is the identity.
  StatusOr<Point> Mask(const Point& p) const;

 private:
  std::array<unsigned char, 32> scalar_{};
};

/// The 32 bytes of a point as a string and back (InvalidArgument unless exactly 32 bytes).
std::string ToBytes(const Point& p);
StatusOr<Point> PointFromBytes(const std::string& bytes);

}  // namespace fedflow::crypto
