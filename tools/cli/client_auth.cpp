#include "tools/cli/client_auth.hpp"

namespace fedflow::cli {

void SignClientRequest(const std::string& app_id, const std::string&, http::ClientRequest* request) {
  request->headers.emplace_back("appId", app_id);
}

}  // namespace fedflow::cli
