// Router: maps (method, path) to a Handler through patterns with `{name}`
// segments.
//
//   Router router;
//   router.Add("GET", "/v1/ledger/accounts/{id}", "get_account", GetAccount);
//   router.Add("POST", "/v1/ledger/accounts/{id}/transfers",
//              "create_transfer", CreateTransfer);
//
// Matching is segment by segment: an exact segment beats a parameter at the
// same place (so "/v1/payments/search" wins over "/v1/payments/{id}"), and
// if the exact branch finds nothing for the method the parameter branch is
// tried. A path no pattern matches is NOT_FOUND; a path some pattern matches
// but not with this method is METHOD_NOT_ALLOWED, with the allowed methods.
// A parameter matches one non-empty segment; a trailing '/' is a different
// path. Methods are case-sensitive, as in HTTP.
//
// Patterns are fixed at startup: Add stops the process on a malformed or
// duplicate pattern (a bug that the first test run shows), never on input.
//
// Thread-safety: Add is not thread-safe. Once routes are added (the Server
// takes the Router by value at Start), Find may be called from any number
// of threads at once.
#ifndef MERIDIAN_API_HTTP_ROUTER_H_
#define MERIDIAN_API_HTTP_ROUTER_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/request.h"

namespace meridian::http {

class Router {
 public:
  // At most this many `{name}` segments in one pattern.
  static constexpr size_t kMaxParams = 16;

  struct RouteInfo {
    std::string method;
    std::string pattern;
    std::string name;
  };

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed };
    Kind kind = Kind::kNotFound;
    const Handler* handler = nullptr;  // kFound
    std::string_view route_name;       // kFound
    // kMethodNotAllowed: the methods the path accepts, "GET, POST", in the
    // order they were added.
    std::string allow;
  };

  Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;
  ~Router();

  void Add(std::string_view method, std::string_view pattern,
           std::string route_name, Handler handler);

  // Every route, in the order added (for comparing with the OpenAPI
  // document).
  const std::vector<RouteInfo>& Routes() const { return routes_; }

  // Finds the route for `method` and `path` (the target without its query).
  // On kFound, `params` is cleared and filled with the route's parameters.
  Match Find(std::string_view method, std::string_view path,
             PathParams* params) const;

 private:
  struct Endpoint;
  struct Node;
  using Values = std::array<std::string_view, kMaxParams>;

  const Endpoint* Visit(const Node& node, std::string_view rest, bool at_end,
                        std::string_view method, Values* values, size_t depth,
                        std::vector<const Node*>* path_matches) const;

  std::unique_ptr<Node> root_;
  std::vector<RouteInfo> routes_;
};

}  // namespace meridian::http

#endif  // MERIDIAN_API_HTTP_ROUTER_H_
