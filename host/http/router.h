// Maps (method, path) to a handler. Patterns are literal segments and `{name}` captures,
// e.g. "/call/{conversation_id}"; a capture matches one non-empty segment.
//
// Threading: routes are added on the main thread before the server starts; after that
// the router is immutable and matched concurrently from the HTTP threads.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace callagent::host {

class PathParams {
 public:
  void set(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }
  // The captured segment, or "" when the route has no such capture.
  std::string_view get(std::string_view name) const {
    for (const auto& [key, value] : values_) {
      if (key == name) return value;
    }
    return {};
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// Runs on an HTTP server thread; may block that thread (it is the request's own).
// Exceptions are caught by the server and answered with 500.
using RouteHandler = std::function<void(Poco::Net::HTTPServerRequest& request,
                                        Poco::Net::HTTPServerResponse& response,
                                        const PathParams& params)>;

class Router {
 public:
  struct Match {
    const RouteHandler* handler = nullptr;  // null: no route for this method and path
    PathParams params;
    std::string route;                      // the pattern that matched, for logs and metrics
    std::vector<std::string> allowed_methods;  // when the path matched but the method did not
  };

  void add(std::string method, std::string pattern, RouteHandler handler);
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  static bool match_segments(const Route& route, const std::vector<std::string_view>& path,
                             PathParams& params);

  std::vector<Route> routes_;
};

}  // namespace callagent::host
