#include "service/http/target.hpp"

#include <cctype>

#include <boost/url/parse.hpp>

namespace fedflow::http {

bool SplitTarget(std::string_view target, std::string* path, std::map<std::string, std::string>* query) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  *path = parsed->path();
  for (auto param : parsed->params()) (*query)[param.key] = param.value;
  return true;
}

std::string PercentEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string EncodeQuery(const std::map<std::string, std::string>& query) {
  std::string out;
  for (const auto& [k, v] : query) {
    if (!out.empty()) out += '&';
    out += PercentEncode(k) + "=" + PercentEncode(v);
  }
  return out;
}

}  // namespace fedflow::http
