#pragma once
// A request target split into its decoded path and query parameters, as the server's sessions do
// it, for requests that never crossed a socket (a party's commands to itself).

#include <map>
#include <string>
#include <string_view>

namespace fedflow::http {

/// Splits an origin-form target ("/a/b?x=1&y=%20") into the decoded path and query. False when the
/// target is not origin-form.
bool SplitTarget(std::string_view target, std::string* path, std::map<std::string, std::string>* query);

/// `value` percent-encoded for a query string (unreserved characters kept).
std::string PercentEncode(std::string_view value);
/// "a=1&b=2", percent-encoded, in key order.
std::string EncodeQuery(const std::map<std::string, std::string>& query);

}  // namespace fedflow::http
