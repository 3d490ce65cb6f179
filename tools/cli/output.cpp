#include "tools/cli/output.hpp"

#include <ctime>
#include <ostream>

#include <boost/json.hpp>

namespace fedflow::cli {

namespace bj = boost::json;

void Table::Print(std::ostream& out) const {
  std::vector<std::size_t> width(header_.size(), 0);
  for (std::size_t i = 0; i < header_.size(); ++i) width[i] = header_[i].size();
  for (const auto& r : rows_) {
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < header_.size(); ++i) {
      std::string c = i < cells.size() ? cells[i] : "";
      out << c;
      if (i + 1 < header_.size()) out << std::string(width[i] - c.size() + 2, ' ');
    }
    out << "\n";
  };
  line(header_);
  for (const auto& r : rows_) line(r);
}

namespace {

void Pretty(std::ostream& out, const bj::value& v, int indent) {
  std::string pad(indent, ' ');
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (o.empty()) {
      out << "{}";
      return;
    }
    out << "{\n";
    std::size_t i = 0;
    for (const auto& kv : o) {
      out << pad << "  " << bj::serialize(bj::value(kv.key())) << ": ";
      Pretty(out, kv.value(), indent + 2);
      out << (++i < o.size() ? ",\n" : "\n");
    }
    out << pad << "}";
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    if (a.empty()) {
      out << "[]";
      return;
    }
    out << "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      out << pad << "  ";
      Pretty(out, a[i], indent + 2);
      out << (i + 1 < a.size() ? ",\n" : "\n");
    }
    out << pad << "]";
  } else {
    out << bj::serialize(v);
  }
}

}  // namespace

void PrintJson(std::ostream& out, const bj::value& v) {
  Pretty(out, v, 0);
  out << "\n";
}

std::string Field(const bj::value& object, const char* key) {
  if (!object.is_object()) return "";
  const bj::value* v = object.as_object().if_contains(key);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_double()) {
    // Boost.JSON writes 0.41 as 4.1E-1; people read %g.
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.10g", v->as_double());
    return buf;
  }
  return bj::serialize(*v);
}

std::string Duration(const bj::value& ms_v) {
  if (!ms_v.is_int64()) return "";
  std::int64_t ms = ms_v.as_int64();
  if (ms < 60000) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1fs", static_cast<double>(ms) / 1000.0);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lldm%02llds", static_cast<long long>(ms / 60000), static_cast<long long>((ms / 1000) % 60));
  return buf;
}

std::string Time(const bj::value& ms_v) {
  if (!ms_v.is_int64() || ms_v.as_int64() == 0) return "";
  std::time_t t = static_cast<std::time_t>(ms_v.as_int64() / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace fedflow::cli
