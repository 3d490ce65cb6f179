#pragma once
// The unknown-key check every job-format reader runs on the objects it reads, so that a
// misspelt key is refused instead of silently ignored.

#include <initializer_list>
#include <string>

#include "base/status.hpp"

namespace boost::json {
class object;
}  // namespace boost::json

namespace fedflow::dsl {

/// OK when every key of `o` is one of `known`; otherwise InvalidArgument
/// "<subject>: unknown key '<key>' (expected <known, in order>)". `subject` is the object's path
/// exactly as the message shows it: the 1.x readers write it bare, the 2.x readers quote it.
Status CheckKnownKeys(const boost::json::object& o, const std::string& subject,
                      std::initializer_list<const char*> known);

}  // namespace fedflow::dsl
