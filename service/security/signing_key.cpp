#include "service/security/signing_key.hpp"

#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "service/files/private_file.hpp"

namespace fedflow::security {

struct SigningKey::Impl {
  EVP_PKEY* key = nullptr;
  bool is_private = false;
  ~Impl() { EVP_PKEY_free(key); }
};

SigningKey::SigningKey() : impl_(std::make_unique<Impl>()) {}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(const SigningKey& other) : impl_(std::make_unique<Impl>()) { *this = other; }
SigningKey& SigningKey::operator=(const SigningKey& other) {
  if (this == &other) return *this;
  if (other.impl_->key) EVP_PKEY_up_ref(other.impl_->key);
  EVP_PKEY_free(impl_->key);
  impl_->key = other.impl_->key;
  impl_->is_private = other.impl_->is_private;
  return *this;
}
SigningKey::SigningKey(SigningKey&& other) : impl_(std::exchange(other.impl_, std::make_unique<Impl>())) {}
SigningKey& SigningKey::operator=(SigningKey&& other) {
  if (this != &other) impl_ = std::exchange(other.impl_, std::make_unique<Impl>());
  return *this;
}

namespace {

std::string Pem(EVP_PKEY* key, bool priv) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return "";
  int ok = priv ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
                : PEM_write_bio_PUBKEY(bio, key);
  std::string out;
  if (ok) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    out.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  return out;
}

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsEd25519(EVP_PKEY* key) { return key && EVP_PKEY_get_id(key) == EVP_PKEY_ED25519; }

}  // namespace

StatusOr<SigningKey> SigningKey::Generate() {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return InternalError("cannot generate an Ed25519 key");
  SigningKey k;
  k.impl_->key = key;
  k.impl_->is_private = true;
  return k;
}

StatusOr<SigningKey> SigningKey::LoadOrCreatePrivate(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    FEDFLOW_ASSIGN_OR_RETURN(SigningKey k, Generate());
    Status dir = files::MakePrivateDirectories(fs::path(path).parent_path().string());
    if (!dir.ok()) return InvalidArgumentError(dir.message() + " (security.private_key)");
    Status written = files::WritePrivateFile(path, k.PrivatePem());
    if (!written.ok()) {
      return InvalidArgumentError("cannot write the private key to '" + path + "' (security.private_key): " +
                                  written.message());
    }
    return k;
  }
  bool read = false;
  std::string pem = ReadFile(path, &read);
  if (!read) return InvalidArgumentError("cannot read the private key '" + path + "' (security.private_key)");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!IsEd25519(key)) {
    EVP_PKEY_free(key);
    return InvalidArgumentError("'" + path + "' is not an Ed25519 private key in PEM (security.private_key)");
  }
  SigningKey k;
  k.impl_->key = key;
  k.impl_->is_private = true;
  return k;
}

StatusOr<SigningKey> SigningKey::LoadPublic(const std::string& pem_or_path) {
  std::string pem = pem_or_path;
  if (pem.find("-----BEGIN") == std::string::npos) {
    bool read = false;
    pem = ReadFile(pem_or_path, &read);
    if (!read) return InvalidArgumentError("cannot read public key file '" + pem_or_path + "'");
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!IsEd25519(key)) {
    EVP_PKEY_free(key);
    return InvalidArgumentError("not an Ed25519 public key in PEM");
  }
  SigningKey k;
  k.impl_->key = key;
  return k;
}

bool SigningKey::can_sign() const { return impl_->key && impl_->is_private; }
std::string SigningKey::PublicPem() const { return impl_->key ? Pem(impl_->key, false) : ""; }
std::string SigningKey::PrivatePem() const { return can_sign() ? Pem(impl_->key, true) : ""; }

StatusOr<std::string> SigningKey::Sign(const std::string& data) const {
  if (!can_sign()) return FailedPreconditionError("this key cannot sign");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, impl_->key) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return InternalError("signing failed");
  sig.resize(len);
  return sig;
}

bool SigningKey::Verify(const std::string& data, const std::string& signature) const {
  if (!impl_->key || signature.size() != 64) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, impl_->key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

namespace {

std::string DigestHex(const EVP_MD* md, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

std::string Sha256Hex(const std::string& data) { return DigestHex(EVP_sha256(), data); }
std::string Md5Hex(const std::string& data) { return DigestHex(EVP_md5(), data); }

std::string Base64Encode(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

StatusOr<std::string> Base64Decode(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return InvalidArgumentError("malformed base64");
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) {
      return InvalidArgumentError("malformed base64");
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return InvalidArgumentError("malformed base64");
  std::size_t pad = 0;
  if (text.size() >= 1 && text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string HmacSha1(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

bool SecureEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace fedflow::security
