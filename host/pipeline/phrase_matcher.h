// Recognises short phrases in what the caller or the agent said: goodbyes (to end the
// call politely) and backchannels ("mm-hm", "okay", "yeah": listening noises that must
// not interrupt the agent at interrupt_sensitivity "low").
//
// Threading: immutable after construction; safe from any thread. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace callagent::pipeline {

// Lower case, punctuation removed, whitespace collapsed: "Bye-bye!  " → "bye bye".
std::string normalize_words(std::string_view text);

class PhraseMatcher {
 public:
  explicit PhraseMatcher(std::vector<std::string> phrases);  // normalised on the way in

  // True when one of the phrases occurs in `text` as whole words ("goodbye" matches
  // "ok, goodbye then" but not "goodbyes"; "bye" does not match "bypass").
  bool contains_phrase(std::string_view text) const;
  // True when `text` consists only of the phrases (any number, any order), e.g.
  // "yeah okay" for backchannels. Empty text is false.
  bool consists_only_of_phrases(std::string_view text) const;

 private:
  std::vector<std::vector<std::string>> phrases_;  // each phrase as its words
};

// The built-in backchannel list: mm-hm, uh-huh, okay, ok, yeah, yes, yep, right, sure,
// got it, i see, mhm, hmm, alright, all right, uh, um.
const std::vector<std::string>& default_backchannel_phrases();

}  // namespace callagent::pipeline
