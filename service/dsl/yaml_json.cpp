// YAML -> Boost.JSON conversion for DAG files (yaml-cpp stays in this one TU).

#include <cstdlib>
#include <map>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "service/json/json.hpp"

#include "service/dsl/fate_dag.hpp"

namespace fedflow::dsl {

namespace bj = boost::json;

namespace {

/// Plain scalars become numbers, booleans or null when YAML 1.2's core schema says so;
/// quoted scalars stay strings ('9999' in train_lr.yaml is a string party id).
bj::value Scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return bj::value(s);  // quoted
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  if (s == "true" || s == "True") return true;
  if (s == "false" || s == "False") return false;
  char* end = nullptr;
  long long i = std::strtoll(s.c_str(), &end, 10);
  if (end && *end == '\0' && !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) return i;
  double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0') return d;
  return bj::value(s);
}

/// Counts what a document becomes once its aliases are expanded, from the parser's events,
/// before any node is built: a few hundred bytes of nested aliases ("billion laughs") would
/// otherwise expand to gigabytes in the conversion.
class ExpansionCounter final : public YAML::EventHandler {
 public:
  std::uint64_t total() const { return total_; }
  std::size_t deepest() const { return deepest_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { Leaf(anchor); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    auto it = sizes_.find(anchor);
    Add(it == sizes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    Leaf(anchor);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    YAML::anchor_t anchor;
    std::uint64_t size;
  };
  static std::uint64_t Sum(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
  void Add(std::uint64_t n) {
    if (stack_.empty()) {
      total_ = Sum(total_, n);
    } else {
      stack_.back().size = Sum(stack_.back().size, n);
    }
  }
  void Leaf(YAML::anchor_t anchor) {
    if (anchor) sizes_[anchor] = 1;
    Add(1);
  }
  void Open(YAML::anchor_t anchor) {
    stack_.push_back({anchor, 1});
    deepest_ = std::max(deepest_, stack_.size());
  }
  void Close() {
    if (stack_.empty()) return;
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor) sizes_[f.anchor] = f.size;
    Add(f.size);
  }

  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::uint64_t> sizes_;
  std::uint64_t total_ = 0;
  std::size_t deepest_ = 0;
};

bj::value Convert(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return Scalar(n);
    case YAML::NodeType::Sequence: {
      bj::array a;
      for (const auto& item : n) a.push_back(Convert(item));
      return a;
    }
    case YAML::NodeType::Map: {
      bj::object o;
      for (const auto& kv : n) o[kv.first.Scalar()] = Convert(kv.second);
      return o;
    }
  }
  return nullptr;
}

}  // namespace

StatusOr<bj::value> YamlToJson(std::string_view text, std::string_view what, std::size_t max_nodes) {
  try {
    const std::string doc(text);
    {
      std::istringstream in(doc);
      YAML::Parser parser(in);
      ExpansionCounter counter;
      parser.HandleNextDocument(counter);
      if (counter.total() > max_nodes) {
        return InvalidArgumentError(std::string(what) + " has " +
                                    (counter.total() == UINT64_MAX ? std::string("too many") : std::to_string(counter.total())) +
                                    " nodes once its aliases are expanded, more than the limit of " +
                                    std::to_string(max_nodes) + " (limits.yaml_max_nodes): write the DAG without "
                                    "nested anchors and aliases");
      }
      if (counter.deepest() > json::MaxDepth()) {
        return InvalidArgumentError(std::string(what) + " nests deeper than " + std::to_string(json::MaxDepth()) +
                                    " levels (limits.json_max_depth)");
      }
    }
    YAML::Node root = YAML::Load(doc);
    return Convert(root);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string(what) + " is not valid YAML: line " + std::to_string(e.mark.line + 1) +
                                " column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace fedflow::dsl
