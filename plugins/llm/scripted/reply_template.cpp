#include "reply_template.h"

#include <algorithm>
#include <utility>

namespace callagent::plugins::scripted {
namespace {

bool is_name_character(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9') || character == '_';
}

bool is_whitespace(char character) {
  return character == ' ' || character == '\t' || character == '\n' || character == '\r';
}

std::string collapse_whitespace(std::string_view text) {
  std::string collapsed;
  collapsed.reserve(text.size());
  bool pending_space = false;
  for (const char character : text) {
    if (is_whitespace(character)) {
      pending_space = !collapsed.empty();
      continue;
    }
    if (pending_space) collapsed.push_back(' ');
    pending_space = false;
    collapsed.push_back(character);
  }
  return collapsed;
}

}  // namespace

bool is_valid_slot_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_name_character);
}

Result<ReplyTemplate> ReplyTemplate::parse(std::string_view text) {
  ReplyTemplate parsed;
  std::string literal;
  const auto flush_literal = [&] {
    if (!literal.empty()) parsed.pieces_.push_back({false, std::exchange(literal, {})});
  };
  for (std::size_t index = 0; index < text.size(); ++index) {
    const char character = text[index];
    const bool doubled = index + 1 < text.size() && text[index + 1] == character;
    if (character == '}') {
      if (!doubled) {
        return Status(ErrorCode::invalid_config,
                      "\"}\" without \"{\" at character " + std::to_string(index + 1) +
                          " (write \"}}\" for a literal brace)");
      }
      literal.push_back('}');
      ++index;
      continue;
    }
    if (character != '{') {
      literal.push_back(character);
      continue;
    }
    if (doubled) {
      literal.push_back('{');
      ++index;
      continue;
    }
    const std::size_t close = text.find('}', index + 1);
    if (close == std::string_view::npos) {
      return Status(ErrorCode::invalid_config, "\"{\" at character " + std::to_string(index + 1) +
                                                   " is never closed (write \"{{\" for a literal brace)");
    }
    const std::string_view name = text.substr(index + 1, close - index - 1);
    if (!is_valid_slot_name(name)) {
      return Status(ErrorCode::invalid_config,
                    "placeholder \"{" + std::string(name) +
                        "}\": a slot name holds only letters, digits and _");
    }
    flush_literal();
    parsed.pieces_.push_back({true, std::string(name)});
    if (std::find(parsed.placeholder_names_.begin(), parsed.placeholder_names_.end(), name) ==
        parsed.placeholder_names_.end()) {
      parsed.placeholder_names_.emplace_back(name);
    }
    index = close;
  }
  flush_literal();
  return parsed;
}

std::string ReplyTemplate::render(const SlotValues& values) const {
  std::string rendered;
  for (const Piece& piece : pieces_) {
    if (!piece.is_placeholder) {
      rendered += piece.text;
    } else if (const auto found = values.find(piece.text); found != values.end()) {
      rendered += found->second;
    }
  }
  return collapse_whitespace(rendered);
}

}  // namespace callagent::plugins::scripted
