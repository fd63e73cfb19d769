#include "script_parser.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "text_normalizer.h"

namespace callagent::plugins::scripted {
namespace {

using nlohmann::json;
using NameSet = std::set<std::string, std::less<>>;

// A bad value is quoted in its error; a huge subtree is cut so it cannot flood a log line.
constexpr std::size_t kMaxQuotedValueChars = 60;

// Thrown inside this file only, so each check is one line; parse_script() turns it into
// a Status before anything leaves.
class ScriptError : public std::runtime_error {
 public:
  ScriptError(const std::string& path, const std::string& message)
      : std::runtime_error(path.empty() ? message : path + ": " + message) {}
};

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw ScriptError(path, message);
}

std::string member_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string element_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string quote(const json& value) {
  std::string text = value.dump();
  if (text.size() > kMaxQuotedValueChars) {
    text.resize(kMaxQuotedValueChars);
    text += "...";
  }
  return text;
}

template <typename Names>
std::string joined(const Names& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

bool is_valid_state_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
           (character >= '0' && character <= '9') || character == '_' || character == '-';
  });
}

void require_object(const json& value, const std::string& path) {
  if (!value.is_object()) fail(path, "expected an object, got " + quote(value));
}

void refuse_unknown_keys(const json& object, const std::string& path,
                         std::initializer_list<std::string_view> known) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      fail(member_path(path, item.key()), "unknown key (known: " + joined(known) + ")");
    }
  }
}

// The member `key` of `object`, or null when absent.
const json* member(const json& object, const std::string& key) {
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

std::string read_string(const json& value, const std::string& path) {
  if (!value.is_string()) fail(path, "expected a string, got " + quote(value));
  return value.get<std::string>();
}

std::string read_non_empty_string(const json& value, const std::string& path) {
  std::string text = read_string(value, path);
  if (text.empty()) fail(path, "must not be empty");
  return text;
}

std::vector<std::string> read_string_list(const json& value, const std::string& path, bool allow_empty) {
  if (!value.is_array()) fail(path, "expected a list of strings, got " + quote(value));
  if (!allow_empty && value.empty()) fail(path, "must not be empty");
  std::vector<std::string> strings;
  for (std::size_t index = 0; index < value.size(); ++index) {
    strings.push_back(read_non_empty_string(value[index], element_path(path, index)));
  }
  return strings;
}

// A phrase the caller may say, stored normalised so it compares with normalised speech.
std::string read_phrase(const json& value, const std::string& path) {
  std::string phrase = normalize_text(read_non_empty_string(value, path));
  if (phrase.empty()) fail(path, "has no letters or digits to match: " + quote(value));
  return phrase;
}

bool read_bool(const json& value, const std::string& path) {
  if (!value.is_boolean()) fail(path, "expected true or false, got " + quote(value));
  return value.get<bool>();
}

CompiledPattern compile_pattern(const json& value, const std::string& path) {
  const std::string source = read_non_empty_string(value, path);
  try {
    return CompiledPattern{source, std::regex(source, std::regex::ECMAScript | std::regex::icase)};
  } catch (const std::regex_error& error) {
    fail(path, "regular expression " + quote(value) + " does not compile: " + error.what());
  }
}

// Reads one script; holds the names every part may refer to. Lives for one parse_script().
class ScriptParser {
 public:
  ScriptParser(const json& root, std::string root_path) : root_(root), root_path_(std::move(root_path)) {}

  Script parse() {
    if (!root_.is_object()) {
      fail(root_path_, "expected a JSON object with \"start\" and \"states\", got " + quote(root_));
    }
    refuse_unknown_keys(root_, root_path_, {"start", "states", "global_intents", "fallback"});
    collect_names();

    Script script;
    const json* start = member(root_, "start");
    if (start == nullptr) fail(member_path(root_path_, "start"), "required: the name of the first state");
    script.start_state = read_state_reference(*start, member_path(root_path_, "start"));

    const std::string states_path = member_path(root_path_, "states");
    for (const auto& item : member(root_, "states")->items()) {
      script.states.emplace(item.key(), parse_state(item.key(), item.value(), member_path(states_path, item.key())));
    }
    if (const json* global = member(root_, "global_intents")) {
      script.global_intents = parse_intents(*global, member_path(root_path_, "global_intents"));
    }
    if (const json* fallback = member(root_, "fallback")) {
      script.fallback = parse_template(*fallback, member_path(root_path_, "fallback"));
    }
    return script;
  }

 private:
  // States and slots are referred to by name from anywhere in the script (a `next` may
  // name a later state, a template a slot of another state), so every name is known
  // before any part is read.
  void collect_names() {
    const std::string states_path = member_path(root_path_, "states");
    const json* states = member(root_, "states");
    if (states == nullptr) fail(states_path, "required: an object of states by name");
    require_object(*states, states_path);
    if (states->empty()) fail(states_path, "must hold at least one state");
    for (const auto& item : states->items()) {
      const std::string state_path = member_path(states_path, item.key());
      if (!is_valid_state_name(item.key())) fail(state_path, "a state name holds only letters, digits, _ and -");
      state_names_.insert(item.key());
      if (!item.value().is_object()) continue;  // parse_state() reports it
      const json* slots = member(item.value(), "slots");
      if (slots == nullptr || !slots->is_object()) continue;  // so does parse_state()
      for (const auto& slot : slots->items()) {
        const std::string slot_path = member_path(member_path(state_path, "slots"), slot.key());
        if (!is_valid_slot_name(slot.key())) fail(slot_path, "a slot name holds only letters, digits and _");
        if (slot.key() == kCallerNumberPlaceholder) {
          fail(slot_path, "caller_number is reserved for the caller's number");
        }
        slot_names_.insert(slot.key());
      }
    }
  }

  State parse_state(const std::string& name, const json& value, const std::string& path) {
    require_object(value, path);
    refuse_unknown_keys(value, path, {"slots", "intents", "reprompt", "fallback"});
    State state;
    state.name = name;
    if (const json* slots = member(value, "slots")) {
      const std::string slots_path = member_path(path, "slots");
      require_object(*slots, slots_path);
      for (const auto& item : slots->items()) {
        state.slots.push_back(parse_slot(item.key(), item.value(), member_path(slots_path, item.key())));
      }
    }
    if (const json* intents = member(value, "intents")) {
      state.intents = parse_intents(*intents, member_path(path, "intents"));
    }
    if (const json* reprompt = member(value, "reprompt")) {
      state.reprompt = parse_template(*reprompt, member_path(path, "reprompt"));
    }
    if (const json* fallback = member(value, "fallback")) {
      state.fallback = parse_template(*fallback, member_path(path, "fallback"));
    }
    return state;
  }

  SlotDefinition parse_slot(const std::string& name, const json& value, const std::string& path) {
    require_object(value, path);
    refuse_unknown_keys(value, path, {"values", "regex", "capitalize"});
    SlotDefinition slot;
    slot.name = name;
    const json* values = member(value, "values");
    const json* regex = member(value, "regex");
    if ((values == nullptr) == (regex == nullptr)) {
      fail(path, "needs exactly one of \"values\" (a list of what the caller may say) and \"regex\"");
    }
    if (values != nullptr) {
      slot.values = parse_slot_values(*values, member_path(path, "values"));
    } else {
      slot.pattern = compile_pattern(*regex, member_path(path, "regex"));
    }
    if (const json* capitalize = member(value, "capitalize")) {
      const std::string capitalize_path = member_path(path, "capitalize");
      slot.capitalize = read_bool(*capitalize, capitalize_path);
      if (values != nullptr) {
        fail(capitalize_path, "only for \"regex\" slots: a listed value is used as written");
      }
    }
    return slot;
  }

  // Either ["monday", "tuesday"] or {"morning": ["am", "early"], ...}: each value is also
  // a phrase for itself.
  std::vector<SlotValue> parse_slot_values(const json& value, const std::string& path) {
    std::vector<SlotValue> values;
    // Normalised phrase -> the value it already means, to refuse a phrase meaning two.
    std::map<std::string, std::string, std::less<>> owner_of_phrase;
    const auto add_phrase = [&](SlotValue& slot_value, const json& phrase_json, const std::string& phrase_path) {
      std::string phrase = read_phrase(phrase_json, phrase_path);
      const auto [owner, inserted] = owner_of_phrase.emplace(phrase, slot_value.canonical);
      if (!inserted && owner->second != slot_value.canonical) {
        fail(phrase_path, "\"" + phrase + "\" already means \"" + owner->second + "\"");
      }
      if (inserted) slot_value.phrases.push_back(std::move(phrase));
    };

    if (value.is_array()) {
      if (value.empty()) fail(path, "must not be empty");
      for (std::size_t index = 0; index < value.size(); ++index) {
        const std::string value_path = element_path(path, index);
        SlotValue slot_value{read_non_empty_string(value[index], value_path), {}};
        add_phrase(slot_value, value[index], value_path);
        values.push_back(std::move(slot_value));
      }
      return values;
    }
    if (!value.is_object()) {
      fail(path, "expected a list of values, or an object of value -> list of synonyms, got " + quote(value));
    }
    if (value.empty()) fail(path, "must not be empty");
    for (const auto& item : value.items()) {
      const std::string value_path = member_path(path, item.key());
      if (item.key().empty()) fail(value_path, "a value must not be empty");
      SlotValue slot_value{item.key(), {}};
      add_phrase(slot_value, json(item.key()), value_path);
      if (!item.value().is_array()) fail(value_path, "expected a list of synonyms, got " + quote(item.value()));
      for (std::size_t index = 0; index < item.value().size(); ++index) {
        add_phrase(slot_value, item.value()[index], element_path(value_path, index));
      }
      values.push_back(std::move(slot_value));
    }
    return values;
  }

  std::vector<Intent> parse_intents(const json& value, const std::string& path) {
    if (!value.is_array()) fail(path, "expected a list of intents, got " + quote(value));
    std::vector<Intent> intents;
    for (std::size_t index = 0; index < value.size(); ++index) {
      intents.push_back(parse_intent(value[index], element_path(path, index)));
    }
    return intents;
  }

  Intent parse_intent(const json& value, const std::string& path) {
    require_object(value, path);
    refuse_unknown_keys(value, path, {"name", "keywords", "regex", "requires", "reply", "next", "tool", "clear"});
    Intent intent;
    const json* name = member(value, "name");
    if (name == nullptr) fail(member_path(path, "name"), "required: a name for logs");
    intent.name = read_non_empty_string(*name, member_path(path, "name"));
    if (const json* keywords = member(value, "keywords")) {
      const std::string keywords_path = member_path(path, "keywords");
      if (!keywords->is_array()) fail(keywords_path, "expected a list of words or phrases, got " + quote(*keywords));
      if (keywords->empty()) fail(keywords_path, "must not be empty");
      for (std::size_t index = 0; index < keywords->size(); ++index) {
        intent.keywords.push_back(read_phrase((*keywords)[index], element_path(keywords_path, index)));
      }
    }
    if (const json* regex = member(value, "regex")) {
      intent.pattern = compile_pattern(*regex, member_path(path, "regex"));
    }
    if (const json* required = member(value, "requires")) {
      intent.required_slots = read_slot_references(*required, member_path(path, "requires"));
    }
    if (intent.keywords.empty() && !intent.pattern && intent.required_slots.empty()) {
      fail(path, "needs \"keywords\", \"regex\" or \"requires\" to say when it matches");
    }
    if (const json* reply = member(value, "reply")) {
      intent.reply = parse_template(*reply, member_path(path, "reply"));
    }
    if (const json* next = member(value, "next")) {
      intent.next_state = read_state_reference(*next, member_path(path, "next"));
    }
    if (const json* tool = member(value, "tool")) {
      intent.tool = parse_tool(*tool, member_path(path, "tool"));
    }
    if (intent.reply.empty() && !intent.tool) {
      fail(path, "needs a \"reply\" or a \"tool\": the caller must hear or see something happen");
    }
    if (const json* clear = member(value, "clear")) {
      intent.cleared_slots = read_slot_references(*clear, member_path(path, "clear"));
    }
    return intent;
  }

  ToolAction parse_tool(const json& value, const std::string& path) {
    require_object(value, path);
    refuse_unknown_keys(value, path, {"name", "arguments"});
    ToolAction tool;
    const json* name = member(value, "name");
    if (name == nullptr) fail(member_path(path, "name"), "required: the tool to call, e.g. \"end_call\"");
    tool.name = read_non_empty_string(*name, member_path(path, "name"));
    if (!is_valid_state_name(tool.name)) {
      fail(member_path(path, "name"), "a tool name holds only letters, digits, _ and -");
    }
    tool.arguments_json = "{}";
    if (const json* arguments = member(value, "arguments")) {
      require_object(*arguments, member_path(path, "arguments"));
      tool.arguments_json = arguments->dump();
    }
    return tool;
  }

  ReplyTemplate parse_template(const json& value, const std::string& path) {
    const std::string text = read_string(value, path);
    auto parsed = ReplyTemplate::parse(text);
    if (!parsed) fail(path, parsed.status().message());
    for (const std::string& name : parsed.value().placeholder_names()) {
      if (name != kCallerNumberPlaceholder && !slot_names_.contains(name)) {
        fail(path, "\"{" + name + "}\" names no declared slot (slots: " + names_or_none(slot_names_) +
                       "; also caller_number)");
      }
    }
    return std::move(parsed).value();
  }

  std::string read_state_reference(const json& value, const std::string& path) {
    std::string name = read_non_empty_string(value, path);
    if (!state_names_.contains(name)) {
      fail(path, "unknown state \"" + name + "\" (states: " + joined(state_names_) + ")");
    }
    return name;
  }

  std::vector<std::string> read_slot_references(const json& value, const std::string& path) {
    std::vector<std::string> names = read_string_list(value, path, /*allow_empty=*/false);
    for (std::size_t index = 0; index < names.size(); ++index) {
      if (!slot_names_.contains(names[index])) {
        fail(element_path(path, index),
             "unknown slot \"" + names[index] + "\" (slots: " + names_or_none(slot_names_) + ")");
      }
    }
    return names;
  }

  static std::string names_or_none(const NameSet& names) {
    return names.empty() ? std::string("none declared") : joined(names);
  }

  const json& root_;
  const std::string root_path_;
  NameSet state_names_;
  NameSet slot_names_;  // declared by any state
};

}  // namespace

Result<std::shared_ptr<const Script>> parse_script(const nlohmann::json& root, std::string_view root_path) {
  try {
    return std::shared_ptr<const Script>(std::make_shared<Script>(ScriptParser(root, std::string(root_path)).parse()));
  } catch (const ScriptError& error) {
    return Status(ErrorCode::invalid_config, error.what());
  }
}

}  // namespace callagent::plugins::scripted
