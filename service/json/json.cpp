#include "service/json/json.hpp"

#include <atomic>

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

namespace fedflow::json {

namespace {

std::atomic<std::size_t> g_max_depth{32};

}  // namespace

void SetMaxDepth(std::size_t depth) { g_max_depth = depth == 0 ? 1 : depth; }

std::size_t MaxDepth() { return g_max_depth; }

const char* KindName(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null: return "null";
    case bj::kind::bool_: return "boolean";
    case bj::kind::int64:
    case bj::kind::uint64: return "integer";
    case bj::kind::double_: return "number";
    case bj::kind::string: return "string";
    case bj::kind::array: return "array";
    case bj::kind::object: return "object";
  }
  return "value";
}

StatusOr<bj::value> Parse(std::string_view text, std::string_view what) {
  bj::parse_options options;
  options.max_depth = g_max_depth;
  bj::stream_parser p(bj::storage_ptr(), options);
  boost::system::error_code ec;
  std::size_t consumed = p.write_some(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (!ec && consumed < text.size()) {
    // write_some stops after a complete value; anything but whitespace after it is an error.
    for (std::size_t i = consumed; i < text.size(); ++i) {
      char c = text[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        ec = bj::error::extra_data;
        break;
      }
    }
  }
  if (ec) {
    std::size_t pos = std::min(consumed, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < pos; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    if (text.empty()) return InvalidArgumentError(std::string(what) + " is empty: expected a JSON document");
    if (ec == bj::error::too_deep) {
      return InvalidArgumentError(std::string(what) + " nests objects and arrays deeper than " +
                                  std::to_string(g_max_depth) + " levels (line " + std::to_string(line) + " column " +
                                  std::to_string(column) + "), the limit limits.json_max_depth");
    }
    return InvalidArgumentError(std::string(what) + " is not valid JSON: line " + std::to_string(line) +
                                " column " + std::to_string(column) + ": " + ec.message());
  }
  return p.release();
}

StatusOr<bj::object> ParseObject(std::string_view text, std::string_view what) {
  auto v = Parse(text, what);
  if (!v.ok()) return v.status();
  if (!v->is_object()) {
    return InvalidArgumentError(std::string(what) + " must be a JSON object, got " + KindName(*v));
  }
  return std::move(v->as_object());
}

std::string Dump(const bj::value& v) { return bj::serialize(v); }

namespace {
Status WrongType(std::string_view path, const char* expected, const bj::value& got) {
  return InvalidArgumentError("'" + std::string(path) + "' must be " + expected + ", got " + KindName(got));
}
Status Missing(std::string_view path) { return InvalidArgumentError("missing required field '" + std::string(path) + "'"); }
}  // namespace

StatusOr<std::string> GetString(const bj::object& o, std::string_view key, std::string_view path,
                                std::optional<std::string> fallback) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (fallback) return *fallback;
    return Missing(path);
  }
  if (!v->is_string()) return WrongType(path, "a string", *v);
  return std::string(v->as_string());
}

StatusOr<std::int64_t> GetInt(const bj::object& o, std::string_view key, std::string_view path,
                              std::optional<std::int64_t> fallback) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (fallback) return *fallback;
    return Missing(path);
  }
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_double()) {
    double d = v->as_double();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
  }
  if (v->is_string()) {
    // FATE clients often quote numbers ("9999"); accept clean decimal strings.
    const auto& s = v->as_string();
    if (!s.empty() && s.size() < 19) {
      bool digits = true;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (!(s[i] >= '0' && s[i] <= '9') && !(i == 0 && s[i] == '-' && s.size() > 1)) digits = false;
      }
      if (digits) return std::stoll(std::string(s));
    }
  }
  return WrongType(path, "an integer", *v);
}

StatusOr<bool> GetBool(const bj::object& o, std::string_view key, std::string_view path, std::optional<bool> fallback) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (fallback) return *fallback;
    return Missing(path);
  }
  if (v->is_bool()) return v->as_bool();
  return WrongType(path, "true or false", *v);
}

StatusOr<bj::object> GetObject(const bj::object& o, std::string_view key, std::string_view path, bool optional) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (optional) return bj::object();
    return Missing(path);
  }
  if (!v->is_object()) return WrongType(path, "an object", *v);
  return v->as_object();
}

StatusOr<bj::array> GetArray(const bj::object& o, std::string_view key, std::string_view path, bool optional) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (optional) return bj::array();
    return Missing(path);
  }
  if (!v->is_array()) return WrongType(path, "an array", *v);
  return v->as_array();
}

void MergeInto(bj::object& dst, const bj::object& src) {
  for (const auto& kv : src) {
    bj::value* existing = dst.if_contains(kv.key());
    if (existing && existing->is_object() && kv.value().is_object()) {
      MergeInto(existing->as_object(), kv.value().as_object());
    } else {
      dst[kv.key()] = kv.value();
    }
  }
}

StatusOr<std::string> ScalarToString(const bj::value& v, std::string_view path) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  return WrongType(path, "a string or an integer", v);
}

}  // namespace fedflow::json
