#include "tools/cli/api_client.hpp"

#include "base/clock.hpp"
#include "base/ids.hpp"
#include "service/json/json.hpp"
#include "service/security/client_auth.hpp"

namespace fedflow::cli {

namespace bj = boost::json;

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Status ParseAddress(const std::string& address, Endpoint* e) {
  std::string rest = address;
  if (rest.rfind("https://", 0) == 0) {
    e->tls = true;
    rest = rest.substr(8);
  } else if (rest.rfind("http://", 0) == 0) {
    rest = rest.substr(7);
  }
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
    return InvalidArgumentError("server address '" + address + "' must look like host:port (e.g. 127.0.0.1:9380)");
  }
  std::string port = rest.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoi(port) > 65535 ||
      std::stoi(port) == 0) {
    return InvalidArgumentError("server address '" + address + "': port must be 1..65535");
  }
  e->host = rest.substr(0, colon);
  e->port = static_cast<std::uint16_t>(std::stoi(port));
  return Status::OK();
}

ApiClient::ApiClient(Endpoint endpoint)
    : endpoint_(std::move(endpoint)), client_(http::HttpClientOptions{1, 16, endpoint_.tls_ca_file, "", ""}) {}

StatusOr<Answer> ApiClient::Send(http::ClientRequest r) {
  r.host = endpoint_.host;
  r.port = endpoint_.port;
  r.tls = endpoint_.tls;
  r.timeout_ms = endpoint_.timeout_ms;
  if (!endpoint_.app_id.empty()) {
    // FATE-Flow 1.x client signature: covers the path, query and body.
    for (auto& h : security::ClientAuthHeaders(endpoint_.app_id, endpoint_.app_secret, r.target, r.body,
                                                SystemClock::Instance().NowMs())) {
      r.headers.push_back(std::move(h));
    }
  }
  auto res = client_.Call(r);
  if (!res.ok()) {
    return UnavailableError("cannot reach fedflow server at " + endpoint_.host + ":" + std::to_string(endpoint_.port) +
                            ": " + res.status().message() +
                            " (set --server, FEDFLOW_SERVER or the CLI config file)");
  }
  Answer a;
  a.http_status = res->status;
  a.raw = res->body;
  auto ct = res->headers.find("content-type");
  bool is_json = ct == res->headers.end() || ct->second.find("json") != std::string::npos;
  if (is_json) {
    auto parsed = json::Parse(res->body, "answer");
    if (parsed.ok() && parsed->is_object()) {
      a.body = parsed->as_object();
      if (const bj::value* c = a.body.if_contains("code"); c && c->is_int64()) a.code = c->as_int64();
      if (const bj::value* m = a.body.if_contains("message"); m && m->is_string()) a.message = std::string(m->as_string());
      if (const bj::value* d = a.body.if_contains("data")) a.data = *d;
    }
  } else if (res->status == 200) {
    a.code = 0;
  }
  return a;
}

std::string ApiClient::QueryString(const bj::object& query) {
  std::string q;
  for (const auto& kv : query) {
    std::string v = kv.value().is_string() ? std::string(kv.value().as_string()) : bj::serialize(kv.value());
    q += (q.empty() ? "?" : "&") + std::string(kv.key()) + "=" + UrlEncode(v);
  }
  return q;
}

StatusOr<Answer> ApiClient::Get(const std::string& path, const bj::object& query) {
  http::ClientRequest r;
  r.method = "GET";
  r.target = path + QueryString(query);
  return Send(std::move(r));
}

StatusOr<Answer> ApiClient::PostRaw(const std::string& path, const bj::object& query, std::string body,
                                    const std::string& content_type) {
  http::ClientRequest r;
  r.method = "POST";
  r.target = path + QueryString(query);
  r.body = std::move(body);
  r.content_type = content_type;
  return Send(std::move(r));
}

StatusOr<Answer> ApiClient::Post(const std::string& path, const bj::object& body) {
  http::ClientRequest r;
  r.method = "POST";
  r.target = path;
  r.body = bj::serialize(body);
  return Send(std::move(r));
}

}  // namespace fedflow::cli
