#include "components/crypto/paillier.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "components/crypto/bigint.hpp"
#include "components/crypto/parallel.hpp"

namespace fedflow::crypto {

namespace {

constexpr int kWindowBits = 8;
constexpr int kDigits = (1 << kWindowBits) - 1;  // table entries per window (digit 0 needs none)

mpz_class MulMod(const mpz_class& a, const mpz_class& b, const mpz_class& m) {
  mpz_class r;
  mpz_mul(r.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
  mpz_tdiv_r(r.get_mpz_t(), r.get_mpz_t(), m.get_mpz_t());
  return r;
}

/// Bits [offset, offset + width) of a non-negative x (width <= 32).
unsigned Digit(const mpz_class& x, std::size_t offset, int width) {
  const mpz_srcptr z = x.get_mpz_t();
  const std::size_t limb_bits = sizeof(mp_limb_t) * 8;
  const std::size_t limbs = mpz_size(z);
  const std::size_t at = offset / limb_bits, shift = offset % limb_bits;
  if (at >= limbs) return 0;
  std::uint64_t v = static_cast<std::uint64_t>(mpz_getlimbn(z, static_cast<mp_size_t>(at))) >> shift;
  if (shift + static_cast<std::size_t>(width) > limb_bits && at + 1 < limbs) {
    v |= static_cast<std::uint64_t>(mpz_getlimbn(z, static_cast<mp_size_t>(at + 1))) << (limb_bits - shift);
  }
  return static_cast<unsigned>(v & ((1u << width) - 1));
}

/// prod bases[i]^exps[i] mod m for non-negative exponents: Pippenger's buckets, `width`-bit
/// digits from the top; per digit position one multiplication per base and two per bucket.
mpz_class MultiExp(const std::vector<const mpz_class*>& bases, const std::vector<const mpz_class*>& exps,
                   const mpz_class& m) {
  mpz_class acc = 1;
  if (bases.empty()) return acc;
  std::size_t max_bits = 0;
  for (const mpz_class* e : exps) max_bits = std::max(max_bits, mpz_sizeinbase(e->get_mpz_t(), 2));
  const std::size_t count = bases.size();
  if (count < 4) {
    for (std::size_t i = 0; i < count; ++i) {
      mpz_class t;
      mpz_powm(t.get_mpz_t(), bases[i]->get_mpz_t(), exps[i]->get_mpz_t(), m.get_mpz_t());
      acc = MulMod(acc, t, m);
    }
    return acc;
  }
  // The width with the fewest multiplications: ceil(bits / w) * (count + 2^(w + 1)).
  int width = 1;
  double best = 0;
  for (int w = 1; w <= 16; ++w) {
    const double cost = std::ceil(static_cast<double>(max_bits) / w) * (static_cast<double>(count) + std::ldexp(2.0, w));
    if (w == 1 || cost < best) {
      best = cost;
      width = w;
    }
  }
  const std::size_t positions = (max_bits + static_cast<std::size_t>(width) - 1) / static_cast<std::size_t>(width);
  const std::size_t buckets = std::size_t{1} << width;
  std::vector<mpz_class> bucket(buckets);
  std::vector<char> filled(buckets);
  bool acc_is_one = true;
  mpz_class shift_exp;
  mpz_setbit(shift_exp.get_mpz_t(), static_cast<mp_bitcnt_t>(width));
  for (std::size_t pos = positions; pos-- > 0;) {
    if (!acc_is_one) mpz_powm(acc.get_mpz_t(), acc.get_mpz_t(), shift_exp.get_mpz_t(), m.get_mpz_t());
    std::fill(filled.begin(), filled.end(), 0);
    for (std::size_t i = 0; i < count; ++i) {
      const unsigned d = Digit(*exps[i], pos * static_cast<std::size_t>(width), width);
      if (d == 0) continue;
      if (filled[d]) {
        bucket[d] = MulMod(bucket[d], *bases[i], m);
      } else {
        bucket[d] = *bases[i];
        filled[d] = 1;
      }
    }
    // sum over d of d * bucket[d], as running products from the top bucket down.
    mpz_class running, total;
    bool have_running = false, have_total = false;
    for (std::size_t d = buckets - 1; d >= 1; --d) {
      if (filled[d]) {
        running = have_running ? MulMod(running, bucket[d], m) : bucket[d];
        have_running = true;
      }
      if (have_running) {
        total = have_total ? MulMod(total, running, m) : running;
        have_total = true;
      }
    }
    if (have_total) {
      acc = acc_is_one ? total : MulMod(acc, total, m);
      acc_is_one = false;
    }
  }
  return acc;
}

}  // namespace

struct PaillierPublicKey::Impl {
  mpz_class n, n2;
  int bits = 0;
  int exponent_bits = 0;  // of the obfuscation exponent a
  int windows = 0;
  std::once_flag table_once;
  std::vector<mpz_class> table;  // table[j * kDigits + d - 1] = h^(d * 2^(8 j))

  void BuildTable() {
    const mpz_class x = RandomUnit(n);
    std::vector<mpz_class> base(static_cast<std::size_t>(windows));
    mpz_powm(base[0].get_mpz_t(), x.get_mpz_t(), n.get_mpz_t(), n2.get_mpz_t());
    mpz_class step;
    mpz_setbit(step.get_mpz_t(), kWindowBits);
    for (int j = 1; j < windows; ++j) {
      mpz_powm(base[j].get_mpz_t(), base[j - 1].get_mpz_t(), step.get_mpz_t(), n2.get_mpz_t());
    }
    table.assign(static_cast<std::size_t>(windows) * kDigits, mpz_class());
    // Rows are independent once their bases are known.
    Status built = ParallelFor(static_cast<std::size_t>(windows), HardwareThreads(), [&](std::size_t j) -> Status {
      mpz_class* row = &table[j * kDigits];
      row[0] = base[j];
      for (int d = 1; d < kDigits; ++d) row[d] = MulMod(row[d - 1], base[j], n2);
      return Status::OK();
    }, 1);
    (void)built;  // the row builders cannot fail
  }

  mpz_class Obfuscator() {
    std::call_once(table_once, [this] { BuildTable(); });
    std::vector<unsigned char> digits(static_cast<std::size_t>(windows));
    randombytes_buf(digits.data(), digits.size());  // a: windows * 8 = exponent_bits random bits
    mpz_class r;
    bool one = true;
    for (int j = 0; j < windows; ++j) {
      const unsigned d = digits[static_cast<std::size_t>(j)];
      if (d == 0) continue;
      const mpz_class& t = table[static_cast<std::size_t>(j) * kDigits + d - 1];
      r = one ? t : MulMod(r, t, n2);
      one = false;
    }
    return one ? mpz_class(1) : r;
  }
};

PaillierPublicKey::PaillierPublicKey(std::shared_ptr<Impl> impl) : k_(std::move(impl)) {}

StatusOr<PaillierPublicKey> PaillierPublicKey::FromBytes(const std::string& n_bytes) {
  const mpz_class n = BigFromBytes(n_bytes);
  const std::size_t bits = mpz_sizeinbase(n.get_mpz_t(), 2);
  if (n == 0 || bits < 1024 || bits > 4096 || mpz_even_p(n.get_mpz_t())) {
    return InvalidArgumentError("a Paillier public key must be an odd modulus of 1024 to 4096 bits");
  }
  auto impl = std::make_shared<Impl>();
  impl->n = n;
  impl->n2 = n * n;
  impl->bits = static_cast<int>(bits);
  impl->exponent_bits = ((impl->bits / 2 + kWindowBits - 1) / kWindowBits) * kWindowBits;
  impl->windows = impl->exponent_bits / kWindowBits;
  return PaillierPublicKey(std::move(impl));
}

std::string PaillierPublicKey::ToBytes() const { return BigToBytes(k_->n); }
int PaillierPublicKey::bits() const { return k_->bits; }
const mpz_class& PaillierPublicKey::n() const { return k_->n; }
const mpz_class& PaillierPublicKey::n_squared() const { return k_->n2; }
std::size_t PaillierPublicKey::ciphertext_bytes() const { return (2 * static_cast<std::size_t>(k_->bits) + 7) / 8; }

mpz_class PaillierPublicKey::Encrypt(const mpz_class& m) const {
  // g^m = (1 + n)^m = 1 + m n (mod n^2): no exponentiation for the message.
  mpz_class gm = m * k_->n + 1;
  return MulMod(gm, k_->Obfuscator(), k_->n2);
}

std::vector<mpz_class> PaillierPublicKey::EncryptAll(const std::vector<mpz_class>& ms, int threads) const {
  std::vector<mpz_class> out(ms.size());
  Status done = ParallelFor(ms.size(), threads, [&](std::size_t i) -> Status {
    out[i] = Encrypt(ms[i]);
    return Status::OK();
  }, 16);
  (void)done;  // encryption cannot fail
  return out;
}

mpz_class PaillierPublicKey::Add(const mpz_class& a, const mpz_class& b) const { return MulMod(a, b, k_->n2); }

StatusOr<mpz_class> PaillierPublicKey::MulPlain(const mpz_class& c, const mpz_class& k) const {
  mpz_class out;
  if (k >= 0) {
    mpz_powm(out.get_mpz_t(), c.get_mpz_t(), k.get_mpz_t(), k_->n2.get_mpz_t());
    return out;
  }
  mpz_class inverse;
  if (mpz_invert(inverse.get_mpz_t(), c.get_mpz_t(), k_->n2.get_mpz_t()) == 0) {
    return InvalidArgumentError("a ciphertext is not invertible modulo n^2: it is not a ciphertext of this key");
  }
  const mpz_class magnitude = -k;
  mpz_powm(out.get_mpz_t(), inverse.get_mpz_t(), magnitude.get_mpz_t(), k_->n2.get_mpz_t());
  return out;
}

StatusOr<mpz_class> PaillierPublicKey::DotProduct(const std::vector<mpz_class>& cs,
                                                  const std::vector<mpz_class>& ks) const {
  if (cs.size() != ks.size()) {
    return InvalidArgumentError("a dot product of " + std::to_string(cs.size()) + " ciphertexts with " +
                                std::to_string(ks.size()) + " scalars");
  }
  std::vector<mpz_class> magnitudes(ks.size());
  std::vector<const mpz_class*> pos_b, pos_e, neg_b, neg_e;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    const int sign = mpz_sgn(ks[i].get_mpz_t());
    if (sign == 0) continue;
    mpz_abs(magnitudes[i].get_mpz_t(), ks[i].get_mpz_t());
    (sign > 0 ? pos_b : neg_b).push_back(&cs[i]);
    (sign > 0 ? pos_e : neg_e).push_back(&magnitudes[i]);
  }
  mpz_class result = MultiExp(pos_b, pos_e, k_->n2);
  if (!neg_b.empty()) {
    // prod c_i^(-|k_i|) = (prod c_i^|k_i|)^(-1): one inversion for all negative scalars.
    mpz_class negative = MultiExp(neg_b, neg_e, k_->n2), inverse;
    if (mpz_invert(inverse.get_mpz_t(), negative.get_mpz_t(), k_->n2.get_mpz_t()) == 0) {
      return InvalidArgumentError("a ciphertext is not invertible modulo n^2: it is not a ciphertext of this key");
    }
    result = MulMod(result, inverse, k_->n2);
  }
  return result;
}

Status PaillierPublicKey::CheckCiphertext(const mpz_class& c) const {
  if (c <= 0 || c >= k_->n2) return InvalidArgumentError("a ciphertext is not between 0 and n^2 of this key");
  return Status::OK();
}

std::string PaillierPublicKey::CiphertextToBytes(const mpz_class& c) const { return BigToFixedBytes(c, ciphertext_bytes()); }

StatusOr<mpz_class> PaillierPublicKey::CiphertextFromBytes(const std::string& bytes) const {
  if (bytes.size() != ciphertext_bytes()) {
    return InvalidArgumentError("a ciphertext of a " + std::to_string(k_->bits) + "-bit key is " +
                                std::to_string(ciphertext_bytes()) + " bytes, not " + std::to_string(bytes.size()));
  }
  mpz_class c = BigFromBytes(bytes);
  FEDFLOW_RETURN_IF_ERROR(CheckCiphertext(c));
  return c;
}

std::string PaillierPublicKey::EncodeCiphertexts(const std::vector<mpz_class>& cs) const {
  std::string out;
  out.reserve(cs.size() * ciphertext_bytes());
  for (const auto& c : cs) out += CiphertextToBytes(c);
  return out;
}

StatusOr<std::vector<mpz_class>> PaillierPublicKey::DecodeCiphertexts(const std::string& bytes) const {
  const std::size_t size = ciphertext_bytes();
  if (bytes.size() % size != 0) {
    return InvalidArgumentError("a list of ciphertexts must be a multiple of " + std::to_string(size) + " bytes long");
  }
  std::vector<mpz_class> out(bytes.size() / size);
  for (std::size_t i = 0; i < out.size(); ++i) {
    FEDFLOW_ASSIGN_OR_RETURN(out[i], CiphertextFromBytes(bytes.substr(i * size, size)));
  }
  return out;
}

StatusOr<PaillierPrivateKey> PaillierPrivateKey::FromPrimes(const mpz_class& p_in, const mpz_class& q_in) {
  mpz_class p = p_in, q = q_in;
  if (p == q || mpz_sizeinbase(p.get_mpz_t(), 2) != mpz_sizeinbase(q.get_mpz_t(), 2) ||
      mpz_probab_prime_p(p.get_mpz_t(), 30) == 0 || mpz_probab_prime_p(q.get_mpz_t(), 30) == 0) {
    return InvalidArgumentError("a Paillier key needs two distinct primes of the same size");
  }
  if (p < q) std::swap(p, q);
  FEDFLOW_ASSIGN_OR_RETURN(PaillierPublicKey pub, PaillierPublicKey::FromBytes(BigToBytes(p * q)));
  PaillierPrivateKey k(std::move(pub));
  k.p_ = p;
  k.q_ = q;
  k.p2_ = p * p;
  k.q2_ = q * q;
  k.pm1_ = p - 1;
  k.qm1_ = q - 1;
  // h_p = L_p(g^(p-1) mod p^2)^(-1) mod p, with L_p(x) = (x - 1) / p; the same for q.
  const mpz_class g = k.public_.n() + 1;
  auto h_of = [&g](const mpz_class& prime, const mpz_class& prime2, const mpz_class& pm1, mpz_class* h) {
    mpz_class x;
    mpz_powm(x.get_mpz_t(), g.get_mpz_t(), pm1.get_mpz_t(), prime2.get_mpz_t());
    mpz_class l = (x - 1) / prime;
    return mpz_invert(h->get_mpz_t(), l.get_mpz_t(), prime.get_mpz_t()) != 0;
  };
  if (!h_of(p, k.p2_, k.pm1_, &k.hp_) || !h_of(q, k.q2_, k.qm1_, &k.hq_) ||
      mpz_invert(k.q_inv_p_.get_mpz_t(), q.get_mpz_t(), p.get_mpz_t()) == 0) {
    return InvalidArgumentError("these primes do not make a Paillier key");
  }
  return k;
}

StatusOr<PaillierPrivateKey> PaillierPrivateKey::Generate(int bits) {
  if (bits < 1024 || bits > 4096 || bits % 256 != 0) {
    return InvalidArgumentError("a Paillier key length must be a multiple of 256 bits from 1024 to 4096 (" +
                                std::to_string(bits) + " asked)");
  }
  if (sodium_init() < 0) return InternalError("libsodium cannot be initialized");
  for (;;) {
    const mpz_class p = RandomPrime(bits / 2, 0), q = RandomPrime(bits / 2, 0);
    if (p == q) continue;
    auto key = FromPrimes(p, q);
    if (key.ok() && key->public_key().bits() == bits) return key;
  }
}

StatusOr<mpz_class> PaillierPrivateKey::Decrypt(const mpz_class& c) const {
  FEDFLOW_RETURN_IF_ERROR(public_.CheckCiphertext(c));
  auto half = [&c](const mpz_class& prime, const mpz_class& prime2, const mpz_class& pm1, const mpz_class& h) {
    mpz_class x, reduced = c % prime2;
    mpz_powm(x.get_mpz_t(), reduced.get_mpz_t(), pm1.get_mpz_t(), prime2.get_mpz_t());
    mpz_class l = (x - 1) / prime;
    return MulMod(l, h, prime);
  };
  const mpz_class mp = half(p_, p2_, pm1_, hp_), mq = half(q_, q2_, qm1_, hq_);
  mpz_class t = MulMod(mp - mq, q_inv_p_, p_);
  if (t < 0) t += p_;
  return mpz_class(mq + t * q_);
}

StatusOr<std::vector<mpz_class>> PaillierPrivateKey::DecryptAll(const std::vector<mpz_class>& cs, int threads) const {
  std::vector<mpz_class> out(cs.size());
  FEDFLOW_RETURN_IF_ERROR(ParallelFor(cs.size(), threads, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(out[i], Decrypt(cs[i]));
    return Status::OK();
  }, 16));
  return out;
}

StatusOr<FixedPoint> FixedPoint::Make(const PaillierPublicKey& key, int precision) {
  if (precision < 1 || precision > 64) {
    return InvalidArgumentError("floating_point_precision must be 1 to 64 bits (" + std::to_string(precision) + " given)");
  }
  return FixedPoint(key.n(), precision);
}

FixedPoint::FixedPoint(mpz_class n, int precision) : n_(std::move(n)), max_(n_ / 3), precision_(precision) {}

StatusOr<mpz_class> FixedPoint::EncodeSigned(double x, int scale) const {
  if (!std::isfinite(x)) return InvalidArgumentError("cannot encrypt " + std::to_string(x) + ": not a finite number");
  mpz_class v;
  mpz_set_d(v.get_mpz_t(), std::nearbyint(std::ldexp(x, precision_ * scale)));
  if (abs(v) > max_) {
    return InvalidArgumentError("the value " + std::to_string(x) + " is too large for fixed-point encoding with a " +
                                std::to_string(mpz_sizeinbase(n_.get_mpz_t(), 2)) + "-bit key and " +
                                std::to_string(precision_) + " bits of precision");
  }
  return v;
}

StatusOr<mpz_class> FixedPoint::Encode(double x, int scale) const {
  FEDFLOW_ASSIGN_OR_RETURN(mpz_class v, EncodeSigned(x, scale));
  if (v < 0) v += n_;
  return v;
}

StatusOr<double> FixedPoint::Decode(const mpz_class& m, int scale) const {
  mpz_class v;
  if (m >= 0 && m <= max_) {
    v = m;
  } else if (m < n_ && m >= n_ - max_) {
    v = m - n_;
  } else {
    return FailedPreconditionError("a decrypted value is outside the range fixed-point encoding can represent: the computation "
                           "overflowed (raise encrypt_param.key_length or lower floating_point_precision)");
  }
  long exponent = 0;
  const double mantissa = mpz_get_d_2exp(&exponent, v.get_mpz_t());
  return std::ldexp(mantissa, static_cast<int>(exponent) - precision_ * scale);
}

}  // namespace fedflow::crypto
