#include "components/sdk/sha256_stream.hpp"

#include <openssl/evp.h>

namespace fedflow::worker {

struct Sha256Stream::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256Stream::Sha256Stream() : state_(std::make_unique<State>()) { EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr); }

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::Update(const char* data, std::size_t size) { EVP_DigestUpdate(state_->ctx, data, size); }

std::string Sha256Stream::FinishHex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(state_->ctx, md, &n);
  EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string Sha256HexOf(const std::string& data) {
  Sha256Stream s;
  s.Update(data);
  return s.FinishHex();
}

}  // namespace fedflow::worker
