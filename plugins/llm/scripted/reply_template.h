// A reply written in a script, with {slot} placeholders: "{day} works. Morning or afternoon?"
//
// "{{" and "}}" stand for literal braces. A placeholder names a slot (letters, digits, _)
// or caller_number; parse() checks the syntax, the script parser checks the names.
//
// Threading: immutable after parse(); render() may run on many threads at once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins::scripted {

// Slot name -> value. std::less<> so lookups take a string_view.
using SlotValues = std::map<std::string, std::string, std::less<>>;

class ReplyTemplate {
 public:
  ReplyTemplate() = default;  // renders as ""

  // An error names what is wrong, without a path: the caller knows where the text was.
  static Result<ReplyTemplate> parse(std::string_view text);

  // Fills each placeholder from `values`; one with no value renders as nothing. Runs of
  // whitespace in the result collapse to one space (an empty slot leaves no gap) and the
  // ends are trimmed.
  std::string render(const SlotValues& values) const;

  // The names the template uses, in order of first use.
  const std::vector<std::string>& placeholder_names() const noexcept { return placeholder_names_; }
  bool empty() const noexcept { return pieces_.empty(); }

 private:
  struct Piece {
    bool is_placeholder = false;
    std::string text;  // literal text, or the placeholder's name
  };

  std::vector<Piece> pieces_;
  std::vector<std::string> placeholder_names_;
};

// Letters, digits and _, at least one: the shape of slot names and placeholders.
bool is_valid_slot_name(std::string_view name);

}  // namespace callagent::plugins::scripted
