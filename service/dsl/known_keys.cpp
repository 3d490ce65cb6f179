#include "service/dsl/known_keys.hpp"

#include <boost/json/object.hpp>

namespace fedflow::dsl {

Status CheckKnownKeys(const boost::json::object& o, const std::string& subject,
                      std::initializer_list<const char*> known) {
  for (const auto& kv : o) {
    bool ok = false;
    for (const char* k : known) ok = ok || kv.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return InvalidArgumentError(subject + ": unknown key '" + std::string(kv.key()) + "' (expected " + list + ")");
    }
  }
  return Status::OK();
}

}  // namespace fedflow::dsl
