#include "tests/support/paillier_textbook.hpp"

#include "components/crypto/bigint.hpp"

namespace fedflow::testing {

TextbookPaillier TextbookPaillier::FromPrimes(const mpz_class& p, const mpz_class& q) {
  TextbookPaillier t;
  t.n = p * q;
  t.n2 = t.n * t.n;
  t.g = t.n + 1;
  const mpz_class pm1 = p - 1, qm1 = q - 1;
  mpz_lcm(t.lambda.get_mpz_t(), pm1.get_mpz_t(), qm1.get_mpz_t());
  mpz_class x;
  mpz_powm(x.get_mpz_t(), t.g.get_mpz_t(), t.lambda.get_mpz_t(), t.n2.get_mpz_t());
  mpz_class l = (x - 1) / t.n;
  mpz_invert(t.mu.get_mpz_t(), l.get_mpz_t(), t.n.get_mpz_t());
  return t;
}

mpz_class TextbookPaillier::Encrypt(const mpz_class& m) const {
  const mpz_class r = crypto::RandomUnit(n);
  mpz_class gm, rn;
  mpz_powm(gm.get_mpz_t(), g.get_mpz_t(), m.get_mpz_t(), n2.get_mpz_t());
  mpz_powm(rn.get_mpz_t(), r.get_mpz_t(), n.get_mpz_t(), n2.get_mpz_t());
  return (gm * rn) % n2;
}

mpz_class TextbookPaillier::Decrypt(const mpz_class& c) const {
  mpz_class x;
  mpz_powm(x.get_mpz_t(), c.get_mpz_t(), lambda.get_mpz_t(), n2.get_mpz_t());
  return (((x - 1) / n) * mu) % n;
}

mpz_class TextbookPaillier::Add(const mpz_class& a, const mpz_class& b) const { return (a * b) % n2; }

mpz_class TextbookPaillier::MulPlain(const mpz_class& c, const mpz_class& k) const {
  mpz_class base = c, e = k, out;
  if (k < 0) {
    mpz_invert(base.get_mpz_t(), c.get_mpz_t(), n2.get_mpz_t());
    e = -k;
  }
  mpz_powm(out.get_mpz_t(), base.get_mpz_t(), e.get_mpz_t(), n2.get_mpz_t());
  return out;
}

mpz_class TextbookPaillier::DotProduct(const std::vector<mpz_class>& cs, const std::vector<mpz_class>& ks) const {
  mpz_class acc = 1;
  for (std::size_t i = 0; i < cs.size(); ++i) acc = (acc * MulPlain(cs[i], ks[i])) % n2;
  return acc;
}

}  // namespace fedflow::testing
