#include "host/config/object_reader.h"

#include <fmt/format.h>

#include "host/config/json_path.h"

namespace callagent::config {

std::string describe(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::null: return "null";
    default: {
      std::string text = value.dump();
      if (text.size() > 60) text = text.substr(0, 57) + "...";
      return text;
    }
  }
}

ObjectReader::ObjectReader(const nlohmann::json* value, std::string path,
                           std::vector<ConfigError>& errors)
    : path_(std::move(path)), errors_(errors) {
  if (value == nullptr) return;
  if (!value->is_object()) {
    errors_.push_back({path_, "expected an object, got " + describe(*value)});
    return;
  }
  object_ = value;
}

std::string ObjectReader::path_of(std::string_view key) const { return join_path(path_, key); }

const nlohmann::json* ObjectReader::find(std::string_view key) {
  known_keys_.emplace(key);
  if (object_ == nullptr) return nullptr;
  const auto found = object_->find(std::string(key));
  return found == object_->end() ? nullptr : &*found;
}

const nlohmann::json* ObjectReader::child(std::string_view key) { return find(key); }

ObjectReader ObjectReader::nested(std::string_view key) {
  return ObjectReader(find(key), path_of(key), errors_);
}

void ObjectReader::error(std::string_view key, std::string message) {
  errors_.push_back({path_of(key), std::move(message)});
}

void ObjectReader::read_string(std::string_view key, std::string& target) {
  const auto* value = find(key);
  if (value == nullptr) return;
  if (!value->is_string()) {
    error(key, "expected a string, got " + describe(*value));
    return;
  }
  target = value->get<std::string>();
}

void ObjectReader::read_bool(std::string_view key, bool& target) {
  bool ignored = false;
  read_bool(key, target, ignored);
}

void ObjectReader::read_bool(std::string_view key, bool& target, bool& was_given) {
  const auto* value = find(key);
  was_given = value != nullptr;
  if (value == nullptr) return;
  if (!value->is_boolean()) {
    error(key, "expected true or false, got " + describe(*value));
    return;
  }
  target = value->get<bool>();
}

void ObjectReader::read_int(std::string_view key, int& target, std::int64_t minimum,
                            std::int64_t maximum) {
  const auto* value = find(key);
  if (value == nullptr) return;
  const std::string expected = fmt::format("expected an integer from {} to {}", minimum, maximum);
  if (!value->is_number_integer()) {
    error(key, expected + ", got " + describe(*value));
    return;
  }
  const auto number = value->get<std::int64_t>();
  if (number < minimum || number > maximum) {
    error(key, expected + ", got " + describe(*value));
    return;
  }
  target = static_cast<int>(number);
}

void ObjectReader::read_choice(std::string_view key, std::string& target,
                               std::initializer_list<std::string_view> choices) {
  const auto* value = find(key);
  if (value == nullptr) return;
  std::string allowed;
  for (const auto choice : choices) {
    allowed += (allowed.empty() ? "\"" : ", \"") + std::string(choice) + "\"";
  }
  if (value->is_string()) {
    const auto text = value->get<std::string>();
    for (const auto choice : choices) {
      if (text == choice) {
        target = text;
        return;
      }
    }
  }
  error(key, "expected one of " + allowed + ", got " + describe(*value));
}

void ObjectReader::read_string_list(std::string_view key, std::vector<std::string>& target) {
  const auto* value = find(key);
  if (value == nullptr) return;
  if (!value->is_array()) {
    error(key, "expected an array of strings, got " + describe(*value));
    return;
  }
  std::vector<std::string> items;
  for (std::size_t index = 0; index < value->size(); ++index) {
    const auto& item = (*value)[index];
    if (!item.is_string()) {
      errors_.push_back({index_path(path_of(key), index), "expected a string, got " + describe(item)});
      return;
    }
    items.push_back(item.get<std::string>());
  }
  target = std::move(items);
}

void ObjectReader::finish() {
  if (object_ == nullptr) return;
  for (const auto& [key, value] : object_->items()) {
    if (known_keys_.contains(key)) continue;
    std::string known;
    for (const auto& name : known_keys_) known += (known.empty() ? "" : ", ") + name;
    errors_.push_back({path_of(key), "unknown key (known keys here: " + known + ")"});
  }
}

}  // namespace callagent::config
