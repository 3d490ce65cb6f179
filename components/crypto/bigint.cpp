#include "components/crypto/bigint.hpp"

#include <sodium.h>

#include <vector>

namespace fedflow::crypto {

mpz_class BigFromBytes(const std::string& bytes) {
  mpz_class x;
  if (!bytes.empty()) mpz_import(x.get_mpz_t(), bytes.size(), 1, 1, 1, 0, bytes.data());
  return x;
}

std::string BigToBytes(const mpz_class& x) {
  if (x == 0) return "";
  std::string out((mpz_sizeinbase(x.get_mpz_t(), 2) + 7) / 8, '\0');
  std::size_t n = 0;
  mpz_export(out.data(), &n, 1, 1, 1, 0, x.get_mpz_t());
  out.resize(n);
  return out;
}

std::string BigToFixedBytes(const mpz_class& x, std::size_t size) {
  std::string out(size, '\0');
  const std::size_t used = (mpz_sizeinbase(x.get_mpz_t(), 2) + 7) / 8;
  if (x == 0 || used > size) return out;
  std::size_t n = 0;
  mpz_export(out.data() + (size - used), &n, 1, 1, 1, 0, x.get_mpz_t());
  return out;
}

mpz_class RandomBits(int bits, bool top) {
  std::vector<unsigned char> buf(static_cast<std::size_t>((bits + 7) / 8));
  randombytes_buf(buf.data(), buf.size());
  mpz_class x;
  mpz_import(x.get_mpz_t(), buf.size(), 1, 1, 1, 0, buf.data());
  const int extra = static_cast<int>(buf.size()) * 8 - bits;
  if (extra > 0) x >>= extra;
  if (top) mpz_setbit(x.get_mpz_t(), static_cast<mp_bitcnt_t>(bits - 1));
  return x;
}

mpz_class RandomUnit(const mpz_class& n) {
  const int bits = static_cast<int>(mpz_sizeinbase(n.get_mpz_t(), 2));
  for (;;) {
    mpz_class r = RandomBits(bits, false);
    mpz_class g;
    mpz_gcd(g.get_mpz_t(), r.get_mpz_t(), n.get_mpz_t());
    if (r > 1 && r < n && g == 1) return r;
  }
}

mpz_class RandomPrime(int bits, const mpz_class& e) {
  for (;;) {
    mpz_class candidate = RandomBits(bits, true);
    mpz_setbit(candidate.get_mpz_t(), static_cast<mp_bitcnt_t>(bits - 2));
    mpz_class p;
    mpz_nextprime(p.get_mpz_t(), candidate.get_mpz_t());
    if (mpz_sizeinbase(p.get_mpz_t(), 2) != static_cast<std::size_t>(bits)) continue;
    if (mpz_probab_prime_p(p.get_mpz_t(), 40) == 0) continue;
    if (e == 0) return p;
    mpz_class g, pm1 = p - 1;
    mpz_gcd(g.get_mpz_t(), pm1.get_mpz_t(), e.get_mpz_t());
    if (g == 1) return p;
  }
}

}  // namespace fedflow::crypto
