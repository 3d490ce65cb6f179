#include "components/crypto/ristretto.hpp"

#include <sodium.h>

#include <cstring>

namespace fedflow::crypto {

Status InitSodium() {
  if (sodium_init() < 0) return InternalError("libsodium cannot be initialized");
  return Status::OK();
}

Point HashToPoint(const std::string& id) {
  static const char kDomain[] = "fedflow-psi-ristretto255-v1";
  unsigned char digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(kDomain), sizeof(kDomain));
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  crypto_hash_sha512_final(&state, digest);
  Point p;
  crypto_core_ristretto255_from_hash(p.data(), digest);
  return p;
}

RistrettoKey RistrettoKey::Random() {
  RistrettoKey k;
  crypto_core_ristretto255_scalar_random(k.scalar_.data());
  return k;
}

StatusOr<Point> RistrettoKey::Mask(const Point& p) const {
  Point out;
  if (crypto_scalarmult_ristretto255(out.data(), scalar_.data(), p.data()) != 0) {
    return InvalidArgumentError("not a valid ristretto255 point (or the identity)");
  }
  return out;
}

std::string ToBytes(const Point& p) { return std::string(reinterpret_cast<const char*>(p.data()), p.size()); }

StatusOr<Point> PointFromBytes(const std::string& bytes) {
  if (bytes.size() != 32) return InvalidArgumentError("a ristretto255 point is 32 bytes, not " + std::to_string(bytes.size()));
  Point p;
  std::memcpy(p.data(), bytes.data(), 32);
  return p;
}

}  // namespace fedflow::crypto
