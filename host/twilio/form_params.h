// application/x-www-form-urlencoded bodies, as Twilio posts webhooks and as its REST API
// takes requests. Order and repeated names are kept: the signature covers every value.
//
// Threading: pure functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::twilio {

// Decoded name/value pairs in the order they appeared; a name may repeat.
using FormParams = std::vector<std::pair<std::string, std::string>>;

// Decodes `+` and %XX. Malformed escapes (e.g. "%G1", a lone "%") are an
// invalid_argument error naming the offending parameter.
Result<FormParams> parse_form_urlencoded(std::string_view body);

// Encodes with %XX for everything but unreserved characters (space as %20... or '+';
// either is valid for Twilio), in the given order.
std::string encode_form_urlencoded(const FormParams& params);

// The first value of `name`, if any.
std::optional<std::string_view> find_param(const FormParams& params, std::string_view name);

}  // namespace callagent::twilio
