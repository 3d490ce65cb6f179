#pragma once
// A W3C WebDriver client for the board's browser tests: starts Debian's chromedriver (by pid, on a
// free loopback port) with headless Chromium, and speaks the standard protocol over HTTP. Waits
// poll a condition in the page until it holds or a deadline passes (never a fixed sleep).

#include <cstdint>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "base/status.hpp"
#include "service/http/http_client.hpp"
#include "tests/support/process.hpp"

namespace fedflow::testing {

class WebDriver final {
 public:
  /// Starts chromedriver and a browser session; `work_dir` holds the driver's log and the
  /// browser's profile. Unavailable when chromedriver or chromium is not installed.
  static StatusOr<std::unique_ptr<WebDriver>> Start(const std::string& work_dir);
  /// Ends the session (the browser quits) and stops the driver.
  ~WebDriver();

  Status Navigate(const std::string& url);
  /// Runs `script` (a function body; `arguments` holds `args`) in the page; its return value.
  StatusOr<boost::json::value> Execute(const std::string& script, const boost::json::array& args = {});
  /// Runs `script` until it returns something truthy in JavaScript's sense (or the
  /// deadline passes: DeadlineExceeded naming `what` and the last value); that value.
  StatusOr<boost::json::value> WaitFor(const std::string& what, const std::string& script, std::int64_t timeout_ms,
                                       const boost::json::array& args = {});
  /// A real click (the driver moves the pointer) on the first element matching `css`.
  Status Click(const std::string& css);
  /// Clears the first element matching `css` and types `text` into it.
  Status Type(const std::string& css, const std::string& text);
  /// The page as a PNG file.
  Status Screenshot(const std::string& png_path);

 private:
  WebDriver() = default;
  StatusOr<boost::json::value> Command(const std::string& method, const std::string& path,
                                       const boost::json::value& body = nullptr);
  StatusOr<std::string> FindElement(const std::string& css);

  std::unique_ptr<ChildProcess> driver_;
  std::unique_ptr<http::HttpClient> client_;
  std::uint16_t port_ = 0;
  std::string session_;
};

}  // namespace fedflow::testing
