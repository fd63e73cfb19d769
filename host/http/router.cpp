#include "host/http/router.h"

namespace callagent::host {
namespace {

// "/a/b/" → {"a", "b"}; empty segments (doubled or trailing slashes) are dropped.
template <typename Piece>
std::vector<Piece> split_path(std::string_view path) {
  std::vector<Piece> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string pattern, RouteHandler handler) {
  auto segments = split_path<std::string>(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

bool Router::match_segments(const Route& route, const std::vector<std::string_view>& path,
                            PathParams& params) {
  if (route.segments.size() != path.size()) return false;
  for (std::size_t index = 0; index < path.size(); ++index) {
    const std::string& expected = route.segments[index];
    if (is_capture(expected)) {
      params.set(expected.substr(1, expected.size() - 2), std::string(path[index]));
    } else if (expected != path[index]) {
      return false;
    }
  }
  return true;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  const std::size_t query = path.find('?');
  if (query != std::string_view::npos) path = path.substr(0, query);
  const auto segments = split_path<std::string_view>(path);
  Match result;
  for (const Route& route : routes_) {
    PathParams params;
    if (!match_segments(route, segments, params)) continue;
    if (route.method == method) {
      result.handler = &route.handler;
      result.params = std::move(params);
      result.route = route.pattern;
      result.allowed_methods.clear();
      return result;
    }
    result.allowed_methods.push_back(route.method);
  }
  return result;
}

}  // namespace callagent::host
