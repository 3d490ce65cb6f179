#pragma once
// SHA-256 over bytes that arrive in pieces (a message's chunks), so a large object is never held
// whole to be digested.

#include <cstddef>
#include <memory>
#include <string>

namespace fedflow::worker {

class Sha256Stream final {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void Update(const char* data, std::size_t size);
  void Update(const std::string& data) { Update(data.data(), data.size()); }
  /// Lower-case hex of everything given so far; the stream starts over afterwards.
  std::string FinishHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Lower-case hex SHA-256 of `data`.
std::string Sha256HexOf(const std::string& data);

}  // namespace fedflow::worker
