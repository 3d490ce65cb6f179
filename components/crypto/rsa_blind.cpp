#include "components/crypto/rsa_blind.hpp"

#include <gmpxx.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <vector>

#include "components/crypto/bigint.hpp"

namespace fedflow::crypto {

struct RsaPublicKey::Numbers {
  mpz_class n, e;
};

RsaPublicKey::RsaPublicKey() : k_(std::make_unique<Numbers>()) {}
RsaPublicKey::~RsaPublicKey() = default;
RsaPublicKey::RsaPublicKey(const RsaPublicKey& o) : k_(std::make_unique<Numbers>(*o.k_)) {}
RsaPublicKey& RsaPublicKey::operator=(const RsaPublicKey& o) {
  *k_ = *o.k_;
  return *this;
}

StatusOr<RsaPublicKey> RsaPublicKey::FromBytes(const std::string& n, const std::string& e) {
  RsaPublicKey k;
  k.k_->n = BigFromBytes(n);
  k.k_->e = BigFromBytes(e);
  if (k.bits() < 1024 || k.bits() > 8192 || mpz_even_p(k.k_->n.get_mpz_t())) {
    return InvalidArgumentError("the host's RSA modulus must be odd and 1024 to 8192 bits long");
  }
  if (k.k_->e < 3 || k.k_->e >= k.k_->n || mpz_even_p(k.k_->e.get_mpz_t())) {
    return InvalidArgumentError("the host's RSA exponent is not valid");
  }
  return k;
}

std::string RsaPublicKey::n_bytes() const { return BigToBytes(k_->n); }
std::string RsaPublicKey::e_bytes() const { return BigToBytes(k_->e); }
int RsaPublicKey::bits() const { return static_cast<int>(mpz_sizeinbase(k_->n.get_mpz_t(), 2)); }

std::string RsaPublicKey::Blind(const std::string& hashed_id, std::string* r_out) const {
  const mpz_class r = RandomUnit(k_->n);
  mpz_class re, x = BigFromBytes(hashed_id) % k_->n;
  mpz_powm(re.get_mpz_t(), r.get_mpz_t(), k_->e.get_mpz_t(), k_->n.get_mpz_t());
  mpz_class blinded = (x * re) % k_->n;
  *r_out = BigToBytes(r);
  return BigToBytes(blinded);
}

StatusOr<std::string> RsaPublicKey::Unblind(const std::string& signed_blinded, const std::string& r) const {
  const mpz_class s = BigFromBytes(signed_blinded);
  if (s >= k_->n) return InvalidArgumentError("a signature from the host is not below its modulus");
  mpz_class inverse;
  const mpz_class rr = BigFromBytes(r);
  if (mpz_invert(inverse.get_mpz_t(), rr.get_mpz_t(), k_->n.get_mpz_t()) == 0) {
    return InternalError("a blinding factor has no inverse");
  }
  return BigToBytes((s * inverse) % k_->n);
}

struct RsaPrivateKey::Numbers {
  mpz_class p, q, dp, dq, qinv;
};

RsaPrivateKey::RsaPrivateKey() : k_(std::make_unique<Numbers>()) {}
RsaPrivateKey::~RsaPrivateKey() = default;
RsaPrivateKey::RsaPrivateKey(RsaPrivateKey&&) noexcept = default;
RsaPrivateKey& RsaPrivateKey::operator=(RsaPrivateKey&&) noexcept = default;

StatusOr<RsaPrivateKey> RsaPrivateKey::Generate(int bits) {
  if (bits < 1024 || bits > 8192 || bits % 2 != 0) {
    return InvalidArgumentError("an RSA key length must be an even number of bits from 1024 to 8192");
  }
  FEDFLOW_RETURN_IF_ERROR(sodium_init() < 0 ? InternalError("libsodium cannot be initialized") : Status::OK());
  const mpz_class e = 65537;
  for (;;) {
    RsaPrivateKey k;
    k.k_->p = RandomPrime(bits / 2, e);
    k.k_->q = RandomPrime(bits / 2, e);
    if (k.k_->p == k.k_->q) continue;
    if (k.k_->p < k.k_->q) std::swap(k.k_->p, k.k_->q);
    const mpz_class n = k.k_->p * k.k_->q;
    if (mpz_sizeinbase(n.get_mpz_t(), 2) != static_cast<std::size_t>(bits)) continue;
    mpz_class phi = (k.k_->p - 1) * (k.k_->q - 1), d;
    if (mpz_invert(d.get_mpz_t(), e.get_mpz_t(), phi.get_mpz_t()) == 0) continue;
    k.k_->dp = d % (k.k_->p - 1);
    k.k_->dq = d % (k.k_->q - 1);
    mpz_invert(k.k_->qinv.get_mpz_t(), k.k_->q.get_mpz_t(), k.k_->p.get_mpz_t());
    k.public_.k_->n = n;
    k.public_.k_->e = e;
    return k;
  }
}

StatusOr<std::string> RsaPrivateKey::Sign(const std::string& x_bytes) const {
  const mpz_class x = BigFromBytes(x_bytes);
  if (x >= public_.k_->n) return InvalidArgumentError("a value to sign is not below the modulus");
  mpz_class xp = x % k_->p, xq = x % k_->q, m1, m2;
  // Constant time: the values come from the other party.
  if (xp == 0 || xq == 0) return InvalidArgumentError("a value to sign shares a factor with the modulus");
  mpz_powm_sec(m1.get_mpz_t(), xp.get_mpz_t(), k_->dp.get_mpz_t(), k_->p.get_mpz_t());
  mpz_powm_sec(m2.get_mpz_t(), xq.get_mpz_t(), k_->dq.get_mpz_t(), k_->q.get_mpz_t());
  mpz_class h = (k_->qinv * (m1 - m2)) % k_->p;
  if (h < 0) h += k_->p;
  return BigToBytes(m2 + h * k_->q);
}

StatusOr<std::string> DigestOf(const std::string& method, const std::string& data) {
  static const char* kAllowed[] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sm3"};
  bool allowed = false;
  for (const char* a : kAllowed) allowed = allowed || method == a;
  const EVP_MD* md = allowed ? EVP_get_digestbyname(method.c_str()) : nullptr;
  if (!md) return InvalidArgumentError("hash method '" + method + "' is not one of md5, sha1, sha224, sha256, sha384, sha512, sm3");
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, md, nullptr) != 1) return InternalError("digest " + method + " failed");
  return std::string(reinterpret_cast<const char*>(out), n);
}

}  // namespace fedflow::crypto
