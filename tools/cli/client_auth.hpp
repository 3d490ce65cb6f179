#pragma once
// Client authentication headers for CLI requests (issue 7 fills in the signature).

#include <string>

#include "service/http/http_client.hpp"

namespace fedflow::cli {

/// Adds appId / Timestamp / Nonce / Signature headers to `request`.
void SignClientRequest(const std::string& app_id, const std::string& secret, http::ClientRequest* request);

}  // namespace fedflow::cli
