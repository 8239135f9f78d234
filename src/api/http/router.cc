#include "api/http/router.h"

#include <utility>

#include "api/http/internal/syntax.h"
#include "core/assert.h"

namespace meridian::http {

struct Router::Endpoint {
  std::string method;
  Handler handler;
  std::string name;
  std::vector<std::string> param_names;
};

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> children;
  std::unique_ptr<Node> param_child;
  std::vector<Endpoint> endpoints;
};

namespace {

bool IsParamNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Splits "a/b/c" one segment at a time: returns "a" and leaves "b/c" in
// *rest, setting *at_end when that was the last segment.
std::string_view NextSegment(std::string_view* rest, bool* at_end) {
  size_t slash = rest->find('/');
  std::string_view segment = rest->substr(0, slash);
  if (slash == std::string_view::npos) {
    *rest = {};
    *at_end = true;
  } else {
    *rest = rest->substr(slash + 1);
  }
  return segment;
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;
Router::~Router() = default;

void Router::Add(std::string_view method, std::string_view pattern,
                 std::string route_name, Handler handler) {
  MERIDIAN_CHECK(!method.empty()) << "route " << route_name;
  for (char c : method) {
    MERIDIAN_CHECK(internal::IsTokenChar(c))
        << "bad method in route " << route_name;
  }
  MERIDIAN_CHECK(!pattern.empty() && pattern[0] == '/')
      << "pattern must start with '/': " << pattern;
  MERIDIAN_CHECK(handler != nullptr) << "route " << route_name;

  Node* node = root_.get();
  std::vector<std::string> param_names;
  std::string_view rest = pattern.substr(1);
  bool at_end = rest.empty();  // "/" is the root itself
  while (!at_end) {
    std::string_view segment = NextSegment(&rest, &at_end);
    MERIDIAN_CHECK(!segment.empty()) << "empty segment in " << pattern;
    if (segment.front() == '{') {
      MERIDIAN_CHECK(segment.size() > 2 && segment.back() == '}')
          << "a parameter is a whole segment, {name}: " << pattern;
      std::string_view name = segment.substr(1, segment.size() - 2);
      for (char c : name) {
        MERIDIAN_CHECK(IsParamNameChar(c))
            << "bad parameter name in " << pattern;
      }
      for (const std::string& seen : param_names) {
        MERIDIAN_CHECK(seen != name) << "parameter twice in " << pattern;
      }
      MERIDIAN_CHECK(param_names.size() < kMaxParams)
          << "too many parameters in " << pattern;
      param_names.emplace_back(name);
      if (!node->param_child) node->param_child = std::make_unique<Node>();
      node = node->param_child.get();
    } else {
      MERIDIAN_CHECK(segment.find_first_of("{}?#") == std::string_view::npos)
          << "bad segment in " << pattern;
      Node* next = nullptr;
      for (auto& [text, child] : node->children) {
        if (text == segment) next = child.get();
      }
      if (next == nullptr) {
        node->children.emplace_back(std::string(segment),
                                    std::make_unique<Node>());
        next = node->children.back().second.get();
      }
      node = next;
    }
  }
  for (const Endpoint& endpoint : node->endpoints) {
    MERIDIAN_CHECK(endpoint.method != method)
        << "two routes for " << method << " " << pattern << ": "
        << endpoint.name << " and " << route_name;
  }
  routes_.push_back({std::string(method), std::string(pattern), route_name});
  node->endpoints.push_back({std::string(method), std::move(handler),
                             std::move(route_name), std::move(param_names)});
}

const Router::Endpoint* Router::Visit(
    const Node& node, std::string_view rest, bool at_end,
    std::string_view method, Values* values, size_t depth,
    std::vector<const Node*>* path_matches) const {
  if (at_end) {
    if (node.endpoints.empty()) return nullptr;
    for (const Endpoint& endpoint : node.endpoints) {
      if (endpoint.method == method) return &endpoint;
    }
    path_matches->push_back(&node);
    return nullptr;
  }
  std::string_view segment = NextSegment(&rest, &at_end);
  for (const auto& [text, child] : node.children) {
    if (text == segment) {
      const Endpoint* found =
          Visit(*child, rest, at_end, method, values, depth, path_matches);
      if (found != nullptr) return found;
      break;
    }
  }
  if (node.param_child && !segment.empty() && depth < kMaxParams) {
    (*values)[depth] = segment;
    return Visit(*node.param_child, rest, at_end, method, values, depth + 1,
                 path_matches);
  }
  return nullptr;
}

Router::Match Router::Find(std::string_view method, std::string_view path,
                           PathParams* params) const {
  Match match;
  if (path.empty() || path[0] != '/') return match;
  Values values;
  std::vector<const Node*> path_matches;
  std::string_view rest = path.substr(1);
  const Endpoint* endpoint =
      Visit(*root_, rest, rest.empty(), method, &values, 0, &path_matches);
  if (endpoint != nullptr) {
    match.kind = Match::Kind::kFound;
    match.handler = &endpoint->handler;
    match.route_name = endpoint->name;
    params->Clear();
    for (size_t i = 0; i < endpoint->param_names.size(); ++i) {
      params->Add(endpoint->param_names[i], values[i]);
    }
    return match;
  }
  if (path_matches.empty()) return match;
  match.kind = Match::Kind::kMethodNotAllowed;
  // Several patterns may match the path ("/a/b" and "/a/{x}"): allow the
  // union of their methods, each once.
  std::vector<std::string_view> allowed;
  for (const Node* node : path_matches) {
    for (const Endpoint& e : node->endpoints) {
      bool seen = false;
      for (std::string_view m : allowed) seen = seen || m == e.method;
      if (seen) continue;
      allowed.push_back(e.method);
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += e.method;
    }
  }
  return match;
}

}  // namespace meridian::http
