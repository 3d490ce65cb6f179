#include "service/http/http_types.hpp"

namespace fedflow::http {
namespace {
const std::string kEmpty;
}

const std::string& HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? kEmpty : it->second;
}

const std::string& HttpRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? kEmpty : it->second;
}

}  // namespace fedflow::http
