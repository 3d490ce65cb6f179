#include "components/ml/linear/cipher_vector.hpp"

#include <cstring>

#include "components/crypto/parallel.hpp"

namespace fedflow::ml {

namespace {

constexpr char kPlainMarker[] = "fedflow-plaintext-mode";
constexpr int kMaxScale = 8;

void PutU32(std::string* out, std::uint32_t v) {
  for (int b = 0; b < 4; ++b) out->push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}

std::uint32_t GetU32(const std::string& in, std::size_t at) {
  std::uint32_t v = 0;
  for (int b = 0; b < 4; ++b) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + b])) << (8 * b);
  return v;
}

Status SameSize(const CipherVector& a, std::size_t n, const char* what) {
  if (a.size() != n) {
    return InvalidArgumentError(std::string(what) + ": " + std::to_string(a.size()) + " values against " + std::to_string(n));
  }
  return Status::OK();
}

}  // namespace

StatusOr<VectorCipher> VectorCipher::FromKeyMessage(const std::string& message, int precision, int threads,
                                                    bool allow_plain) {
  VectorCipher c;
  c.precision_ = precision;
  c.threads_ = std::max(1, threads);
  if (message == kPlainMarker) {
    if (allow_plain) return c;
    return PermissionDeniedError("the arbiter sent no Paillier public key but asked for plaintext: refused, this party "
                                 "sends its values encrypted only");
  }
  FEDFLOW_ASSIGN_OR_RETURN(crypto::PaillierPublicKey key, crypto::PaillierPublicKey::FromBytes(message));
  FEDFLOW_ASSIGN_OR_RETURN(crypto::FixedPoint codec, crypto::FixedPoint::Make(key, precision));
  c.key_ = std::make_shared<const crypto::PaillierPublicKey>(std::move(key));
  c.codec_ = std::make_shared<const crypto::FixedPoint>(std::move(codec));
  return c;
}

StatusOr<CipherVector> VectorCipher::Encrypt(const std::vector<double>& values) const {
  CipherVector out;
  if (!encrypted()) {
    out.plain = values;
    return out;
  }
  std::vector<mpz_class> encoded(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    FEDFLOW_ASSIGN_OR_RETURN(encoded[i], codec_->Encode(values[i]));
  }
  out.cipher = key_->EncryptAll(encoded, threads_);
  return out;
}

StatusOr<CipherVector> VectorCipher::Raise(const CipherVector& a, int scale) const {
  if (scale < a.scale || scale > kMaxScale) return InvalidArgumentError("cannot lower a vector's scale");
  if (scale == a.scale) return a;
  CipherVector out;
  out.scale = scale;
  if (!encrypted()) {
    out.plain = a.plain;
    return out;
  }
  mpz_class factor;
  mpz_setbit(factor.get_mpz_t(), static_cast<mp_bitcnt_t>(precision_ * (scale - a.scale)));
  out.cipher.resize(a.cipher.size());
  FEDFLOW_RETURN_IF_ERROR(crypto::ParallelFor(a.cipher.size(), threads_, [&](std::size_t i) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(out.cipher[i], key_->MulPlain(a.cipher[i], factor));
    return Status::OK();
  }, 64));
  return out;
}

StatusOr<CipherVector> VectorCipher::Add(const CipherVector& a_in, const CipherVector& b_in) const {
  FEDFLOW_RETURN_IF_ERROR(SameSize(b_in, a_in.size(), "adding vectors"));
  const int scale = std::max(a_in.scale, b_in.scale);
  FEDFLOW_ASSIGN_OR_RETURN(CipherVector a, Raise(a_in, scale));
  FEDFLOW_ASSIGN_OR_RETURN(CipherVector b, Raise(b_in, scale));
  CipherVector out;
  out.scale = scale;
  if (!encrypted()) {
    out.plain.resize(a.plain.size());
    for (std::size_t i = 0; i < a.plain.size(); ++i) out.plain[i] = a.plain[i] + b.plain[i];
    return out;
  }
  out.cipher.resize(a.cipher.size());
  for (std::size_t i = 0; i < a.cipher.size(); ++i) out.cipher[i] = key_->Add(a.cipher[i], b.cipher[i]);
  return out;
}

StatusOr<CipherVector> VectorCipher::AddPlain(const CipherVector& a, const std::vector<double>& plain) const {
  FEDFLOW_RETURN_IF_ERROR(SameSize(a, plain.size(), "adding plain values"));
  if (!encrypted()) {
    CipherVector out = a;
    for (std::size_t i = 0; i < plain.size(); ++i) out.plain[i] += plain[i];
    return out;
  }
  // Enc(m) * (1 + k n) = Enc(m + k): no encryption needed for the plain part.
  CipherVector out;
  out.scale = a.scale;
  out.cipher.resize(a.cipher.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    FEDFLOW_ASSIGN_OR_RETURN(mpz_class k, codec_->Encode(plain[i], a.scale));
    mpz_class gk = k * key_->n() + 1;
    out.cipher[i] = key_->Add(a.cipher[i], gk);
  }
  return out;
}

StatusOr<CipherVector> VectorCipher::ColumnsTimes(const Matrix& x, const std::vector<std::size_t>& rows,
                                                  const CipherVector& d) const {
  FEDFLOW_RETURN_IF_ERROR(SameSize(d, rows.size(), "a gradient over a batch"));
  CipherVector out;
  out.scale = d.scale + 1;
  if (out.scale > kMaxScale) return InvalidArgumentError("a vector's scale would pass " + std::to_string(kMaxScale));
  if (!encrypted()) {
    out.plain.assign(x.cols, 0.0);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t c = 0; c < x.cols; ++c) out.plain[c] += x.at(rows[i], c) * d.plain[i];
    }
    return out;
  }
  out.cipher.resize(x.cols);
  // One multi-exponentiation per column, the columns spread over the cores.
  FEDFLOW_RETURN_IF_ERROR(crypto::ParallelFor(x.cols, threads_, [&](std::size_t c) -> Status {
    std::vector<mpz_class> scalars(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      FEDFLOW_ASSIGN_OR_RETURN(scalars[i], codec_->EncodeSigned(x.at(rows[i], c)));
    }
    FEDFLOW_ASSIGN_OR_RETURN(out.cipher[c], key_->DotProduct(d.cipher, scalars));
    return Status::OK();
  }, 1));
  return out;
}

StatusOr<CipherVector> VectorCipher::Dot(const CipherVector& a, const std::vector<double>& w) const {
  FEDFLOW_RETURN_IF_ERROR(SameSize(a, w.size(), "a dot product"));
  CipherVector out;
  out.scale = a.scale + 1;
  if (out.scale > kMaxScale) return InvalidArgumentError("a vector's scale would pass " + std::to_string(kMaxScale));
  if (!encrypted()) {
    double acc = 0;
    for (std::size_t i = 0; i < w.size(); ++i) acc += a.plain[i] * w[i];
    out.plain = {acc};
    return out;
  }
  std::vector<mpz_class> scalars(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    FEDFLOW_ASSIGN_OR_RETURN(scalars[i], codec_->EncodeSigned(w[i]));
  }
  FEDFLOW_ASSIGN_OR_RETURN(mpz_class dot, key_->DotProduct(a.cipher, scalars));
  out.cipher = {dot};
  return out;
}

CipherVector VectorCipher::Sum(const CipherVector& a) const {
  CipherVector out;
  out.scale = a.scale;
  if (!encrypted()) {
    double acc = 0;
    for (double v : a.plain) acc += v;
    out.plain = {acc};
    return out;
  }
  mpz_class acc = 1;
  for (const auto& c : a.cipher) acc = key_->Add(acc, c);
  out.cipher = {acc};
  return out;
}

CipherVector VectorCipher::Concat(const CipherVector& a, const CipherVector& b) const {
  CipherVector out = a;
  out.cipher.insert(out.cipher.end(), b.cipher.begin(), b.cipher.end());
  out.plain.insert(out.plain.end(), b.plain.begin(), b.plain.end());
  return out;
}

std::string VectorCipher::Serialize(const CipherVector& v) const {
  // [u32 scale][u32 count] then doubles (plaintext mode) or fixed-size ciphertexts.
  std::string out;
  PutU32(&out, static_cast<std::uint32_t>(v.scale));
  PutU32(&out, static_cast<std::uint32_t>(v.size()));
  if (!encrypted()) {
    const std::size_t at = out.size();
    out.resize(at + v.plain.size() * sizeof(double));
    if (!v.plain.empty()) std::memcpy(out.data() + at, v.plain.data(), v.plain.size() * sizeof(double));
    return out;
  }
  return out + key_->EncodeCiphertexts(v.cipher);
}

StatusOr<CipherVector> VectorCipher::Deserialize(const std::string& bytes) const {
  if (bytes.size() < 8) return InvalidArgumentError("an encrypted vector is shorter than its header");
  CipherVector v;
  v.scale = static_cast<int>(GetU32(bytes, 0));
  const std::size_t count = GetU32(bytes, 4);
  if (v.scale < 1 || v.scale > kMaxScale) return InvalidArgumentError("an encrypted vector has scale " + std::to_string(v.scale));
  const std::string body = bytes.substr(8);
  if (!encrypted()) {
    if (body.size() != count * sizeof(double)) return InvalidArgumentError("a plain vector's length does not match its count");
    v.plain.resize(count);
    if (count) std::memcpy(v.plain.data(), body.data(), body.size());
    return v;
  }
  if (body.size() != count * key_->ciphertext_bytes()) {
    return InvalidArgumentError("an encrypted vector's length does not match its count");
  }
  FEDFLOW_ASSIGN_OR_RETURN(v.cipher, key_->DecodeCiphertexts(body));
  return v;
}

StatusOr<VectorDecryptor> VectorDecryptor::Make(bool encrypt, int key_length, int precision, int threads) {
  if (!encrypt) {
    FEDFLOW_ASSIGN_OR_RETURN(VectorCipher c, VectorCipher::FromKeyMessage(kPlainMarker, precision, threads, true));
    VectorDecryptor d(std::move(c));
    d.threads_ = threads;
    return d;
  }
  FEDFLOW_ASSIGN_OR_RETURN(crypto::PaillierPrivateKey key, crypto::PaillierPrivateKey::Generate(key_length));
  FEDFLOW_ASSIGN_OR_RETURN(VectorCipher c, VectorCipher::FromKeyMessage(key.public_key().ToBytes(), precision, threads, false));
  VectorDecryptor d(std::move(c));
  d.key_ = std::make_shared<const crypto::PaillierPrivateKey>(std::move(key));
  d.threads_ = threads;
  return d;
}

std::string VectorDecryptor::KeyMessage() const { return key_ ? key_->public_key().ToBytes() : kPlainMarker; }

StatusOr<std::vector<double>> VectorDecryptor::Decrypt(const CipherVector& v) const {
  if (!key_) return v.plain;
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<mpz_class> ms, key_->DecryptAll(v.cipher, threads_));
  std::vector<double> out(ms.size());
  for (std::size_t i = 0; i < ms.size(); ++i) {
    FEDFLOW_ASSIGN_OR_RETURN(out[i], cipher_.codec_->Decode(ms[i], v.scale));
  }
  return out;
}

}  // namespace fedflow::ml
