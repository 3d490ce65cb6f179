#include "tests/support/webdriver.hpp"

#include <chrono>
#include <cstdio>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <openssl/evp.h>

#include "tests/support/federation.hpp"

namespace fedflow::testing {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

const char* kChromedriver = "/usr/bin/chromedriver";
const char* kChromium = "/usr/bin/chromium";
// The W3C name of an element reference in the protocol's JSON.
const char* kElementKey = "element-6066-11e4-a52e-4f735466cecf";

// JavaScript's truthiness of a script's result: false, null, 0 and "" are not.
bool Truthy(const bj::value& v) {
  if (v.is_null()) return false;
  if (v.is_bool()) return v.as_bool();
  if (v.is_int64()) return v.as_int64() != 0;
  if (v.is_uint64()) return v.as_uint64() != 0;
  if (v.is_double()) return v.as_double() != 0;
  if (v.is_string()) return !v.as_string().empty();
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<WebDriver>> WebDriver::Start(const std::string& work_dir) {
  if (!fs::exists(kChromedriver) || !fs::exists(kChromium)) {
    return UnavailableError("browser tests need Debian's chromium and chromium-driver (tools/install-deps.sh)");
  }
  fs::create_directories(work_dir + "/profile");
  std::unique_ptr<WebDriver> d(new WebDriver());
  d->port_ = FreePort();
  auto started = ChildProcess::Start({kChromedriver, "--port=" + std::to_string(d->port_)}, work_dir + "/chromedriver.log");
  if (!started.ok()) return started.status();
  d->driver_.reset(*started);
  d->client_ = std::make_unique<http::HttpClient>();
  // The driver answers /status once it listens.
  Status ready = DeadlineExceededError("chromedriver did not start within 20 s (see " + work_dir + "/chromedriver.log)");
  for (int i = 0; i < 200 && !ready.ok(); ++i) {
    http::ClientRequest probe;
    probe.port = d->port_;
    probe.target = "/status";
    probe.timeout_ms = 1000;
    auto answer = d->client_->Call(probe);
    if (answer.ok() && answer->status == 200) {
      ready = Status::OK();
    } else {
      if (!d->driver_->Running()) return UnavailableError("chromedriver exited (see " + work_dir + "/chromedriver.log)");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (!ready.ok()) return ready;
  bj::array args{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1440,1000", "--user-data-dir=" + work_dir + "/profile"};
  bj::object capabilities{
      {"alwaysMatch", bj::object{{"browserName", "chrome"},
                                 {"goog:chromeOptions", bj::object{{"binary", kChromium}, {"args", std::move(args)}}}}}};
  auto session = d->Command("POST", "/session", bj::object{{"capabilities", std::move(capabilities)}});
  if (!session.ok()) return session.status();
  const bj::value* id = session->is_object() ? session->as_object().if_contains("sessionId") : nullptr;
  if (!id || !id->is_string()) return InternalError("chromedriver answered no session id: " + bj::serialize(*session));
  d->session_ = std::string(id->as_string());
  return d;
}

WebDriver::~WebDriver() {
  if (!session_.empty()) {
    Status ended = Command("DELETE", "/session/" + session_).status();
    // The browser is then stopped with the driver below; say why it did not quit by itself.
    if (!ended.ok()) std::fprintf(stderr, "webdriver: ending the session: %s\n", ended.ToString().c_str());
  }
  if (driver_ && driver_->Stop(SIGTERM, 5000) < 0) driver_->Kill9();
}

StatusOr<bj::value> WebDriver::Command(const std::string& method, const std::string& path, const bj::value& body) {
  http::ClientRequest r;
  r.method = method;
  r.port = port_;
  r.target = path;
  r.timeout_ms = 60000;
  if (method == "POST") r.body = body.is_null() ? "{}" : bj::serialize(body);
  auto answer = client_->Call(r);
  if (!answer.ok()) return answer.status();
  bj::error_code ec;
  bj::value parsed = bj::parse(answer->body, ec);
  if (ec || !parsed.is_object()) {
    return InternalError("chromedriver: " + method + " " + path + ": HTTP " + std::to_string(answer->status) +
                         " without JSON");
  }
  bj::value value = parsed.as_object().contains("value") ? parsed.as_object().at("value") : bj::value(nullptr);
  if (answer->status != 200) {
    std::string why = value.is_object() && value.as_object().contains("message")
                          ? std::string(value.as_object().at("message").as_string())
                          : bj::serialize(value);
    return InternalError("webdriver " + method + " " + path + ": " + why.substr(0, 2000));
  }
  return value;
}

Status WebDriver::Navigate(const std::string& url) {
  return Command("POST", "/session/" + session_ + "/url", bj::object{{"url", url}}).status();
}

StatusOr<bj::value> WebDriver::Execute(const std::string& script, const bj::array& args) {
  return Command("POST", "/session/" + session_ + "/execute/sync", bj::object{{"script", script}, {"args", args}});
}

StatusOr<bj::value> WebDriver::WaitFor(const std::string& what, const std::string& script, std::int64_t timeout_ms,
                                       const bj::array& args) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bj::value last;
  while (true) {
    auto v = Execute(script, args);
    if (!v.ok()) return v.status();
    if (Truthy(*v)) return *v;
    last = *v;
    if (std::chrono::steady_clock::now() > deadline) {
      return DeadlineExceededError("waited " + std::to_string(timeout_ms) + " ms for " + what + "; last: " +
                                   bj::serialize(last));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

StatusOr<std::string> WebDriver::FindElement(const std::string& css) {
  auto found = Command("POST", "/session/" + session_ + "/element", bj::object{{"using", "css selector"}, {"value", css}});
  if (!found.ok()) return found.status();
  const bj::value* id = found->is_object() ? found->as_object().if_contains(kElementKey) : nullptr;
  if (!id || !id->is_string()) return NotFoundError("no element " + css);
  return std::string(id->as_string());
}

Status WebDriver::Click(const std::string& css) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string id, FindElement(css));
  return Command("POST", "/session/" + session_ + "/element/" + id + "/click", bj::object()).status();
}

Status WebDriver::Type(const std::string& css, const std::string& text) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string id, FindElement(css));
  FEDFLOW_RETURN_IF_ERROR(Command("POST", "/session/" + session_ + "/element/" + id + "/clear", bj::object()).status());
  return Command("POST", "/session/" + session_ + "/element/" + id + "/value", bj::object{{"text", text}}).status();
}

Status WebDriver::Screenshot(const std::string& png_path) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::value shot, Command("GET", "/session/" + session_ + "/screenshot"));
  if (!shot.is_string()) return InternalError("webdriver screenshot: no image");
  const std::string text(shot.as_string());
  if (text.empty() || text.size() % 4 != 0) return InternalError("webdriver screenshot: malformed base64");
  std::string png(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(png.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return InternalError("webdriver screenshot: malformed base64");
  // EVP_DecodeBlock counts the padding as bytes.
  const std::size_t padding = (text.back() == '=') + (text[text.size() - 2] == '=');
  png.resize(static_cast<std::size_t>(n) - padding);
  std::ofstream out(png_path, std::ios::binary | std::ios::trunc);
  out << png;
  out.close();
  if (!out) return InternalError("cannot write " + png_path);
  return Status::OK();
}

}  // namespace fedflow::testing
