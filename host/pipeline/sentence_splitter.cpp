#include "host/pipeline/sentence_splitter.h"

#include <algorithm>
#include <array>
#include <optional>

namespace callagent::pipeline {
namespace {

// UTF-8 spellings of the non-ASCII punctuation LLMs like to produce.
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // …
constexpr std::string_view kEmDash = "\xE2\x80\x94";    // —
constexpr std::array<std::string_view, 8> kClosers = {
    "\"",            // straight double quote
    "'",             // straight single quote
    ")",             // round bracket
    "]",             // square bracket
    "}",             // curly bracket
    "\xE2\x80\x9D",  // ” right double quotation mark
    "\xE2\x80\x99",  // ’ right single quotation mark
    "\xC2\xBB",      // » right guillemet
};

// Words that end with a period without ending the sentence. Dotted single letters
// ("e.g", "a.m", "U.S", the initial "J") are recognised by shape instead of listed.
constexpr std::array<std::string_view, 7> kAbbreviations = {"mr", "mrs", "ms", "dr",
                                                            "st", "etc", "vs"};
// "No." abbreviates "number" only in front of one; "I said no." ends a sentence.
constexpr std::string_view kNumberAbbreviation = "no";

bool is_whitespace(char character) {
  return character == ' ' || character == '\t' || character == '\n' || character == '\r' ||
         character == '\f' || character == '\v';
}

bool is_ascii_letter(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

bool is_digit(char character) { return character >= '0' && character <= '9'; }

char to_lower_ascii(char character) {
  return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a')
                                                : character;
}

bool starts_with_at(std::string_view text, std::size_t position, std::string_view prefix) {
  return text.substr(position).starts_with(prefix);
}

// Byte length of the sentence-ending mark at `position` (. ! ? …), 0 if there is none.
std::size_t sentence_mark_length(std::string_view text, std::size_t position) {
  const char character = text[position];
  if (character == '.' || character == '!' || character == '?') return 1;
  return starts_with_at(text, position, kEllipsis) ? kEllipsis.size() : 0;
}

// Byte length of the clause-ending mark at `position` (, ; : —), 0 if there is none.
std::size_t clause_mark_length(std::string_view text, std::size_t position) {
  const char character = text[position];
  if (character == ',' || character == ';' || character == ':') return 1;
  return starts_with_at(text, position, kEmDash) ? kEmDash.size() : 0;
}

std::size_t closer_length(std::string_view text, std::size_t position) {
  for (const std::string_view closer : kClosers) {
    if (starts_with_at(text, position, closer)) return closer.size();
  }
  return 0;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

// Length in code points, so "…" counts as one character like "." does.
std::size_t character_count(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0U) != 0x80U;
  }));
}

// True for "J", "e.g", "a.m", "U.S": single letters joined by periods.
bool is_dotted_initials(std::string_view word) {
  if (word.empty()) return false;
  for (std::size_t index = 0; index < word.size(); ++index) {
    const bool letter_expected = index % 2 == 0;
    if (letter_expected != is_ascii_letter(word[index])) return false;
  }
  return word.size() % 2 == 1;
}

// The word (letters and inner periods) that ends right before `period_position`, lower-cased.
std::string word_before(std::string_view text, std::size_t period_position) {
  std::size_t start = period_position;
  while (start > 0 && (is_ascii_letter(text[start - 1]) || text[start - 1] == '.')) --start;
  std::string word(text.substr(start, period_position - start));
  std::transform(word.begin(), word.end(), word.begin(), to_lower_ascii);
  return word;
}

enum class Verdict { boundary, not_a_boundary, undecided };

// What follows "No." decides whether it is an abbreviation: a number ("No. 5") keeps the
// sentence going. Undecided until a non-space character arrives.
Verdict verdict_after_number_abbreviation(std::string_view text, std::size_t after_marks) {
  std::size_t next = after_marks;
  while (next < text.size() && is_whitespace(text[next])) ++next;
  if (next == text.size()) return Verdict::undecided;
  return is_digit(text[next]) ? Verdict::not_a_boundary : Verdict::boundary;
}

// A lone period after an abbreviation or an initial does not end the sentence.
Verdict verdict_for_period(std::string_view text, std::size_t period_position,
                           std::size_t after_marks) {
  const std::string word = word_before(text, period_position);
  if (word == kNumberAbbreviation) return verdict_after_number_abbreviation(text, after_marks);
  const bool abbreviation =
      std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
  return abbreviation || is_dotted_initials(word) ? Verdict::not_a_boundary : Verdict::boundary;
}

struct Candidate {
  Verdict verdict = Verdict::not_a_boundary;
  std::size_t piece_end = 0;  // where the piece would end (after marks and closers)
  std::size_t resume_at = 0;  // where scanning continues when this is no boundary
};

// Examines punctuation of `mark_length` bytes at `position`. The marks count only when
// whitespace follows (after any closing quotes or brackets): "3.5", "1,000", "10:30" and
// "wait...what" never split. At the end of the buffer the next character is unknown
// ("3." may become "3.5"), so the verdict waits for more text.
Candidate examine_marks(std::string_view text, std::size_t position, std::size_t mark_length,
                        bool sentence_marks) {
  Candidate candidate;
  std::size_t after_marks = position + mark_length;
  if (sentence_marks) {
    while (after_marks < text.size() && sentence_mark_length(text, after_marks) > 0) {
      after_marks += sentence_mark_length(text, after_marks);
    }
  }
  candidate.resume_at = after_marks;
  std::size_t piece_end = after_marks;
  while (piece_end < text.size() && closer_length(text, piece_end) > 0) {
    piece_end += closer_length(text, piece_end);
  }
  candidate.piece_end = piece_end;
  if (piece_end == text.size()) {
    candidate.verdict = Verdict::undecided;
  } else if (!is_whitespace(text[piece_end])) {
    candidate.verdict = Verdict::not_a_boundary;
  } else if (sentence_marks && after_marks == position + 1 && text[position] == '.') {
    candidate.verdict = verdict_for_period(text, position, piece_end);
  } else {
    candidate.verdict = Verdict::boundary;
  }
  return candidate;
}

bool long_enough(std::string_view piece, std::size_t minimum_chars) {
  return character_count(trim(piece)) >= std::max<std::size_t>(minimum_chars, 1);
}

// Finds where the first complete piece of `text` ends, if one is complete yet. Scans from
// the start each time: the decision for every position depends only on text already seen,
// so pieces come out the same however the stream was cut into deltas.
std::optional<std::size_t> find_piece_end(std::string_view text, bool clauses_allowed,
                                          std::size_t first_piece_min_chars,
                                          std::size_t min_chars) {
  std::size_t position = 0;
  while (position < text.size()) {
    if (text[position] == '\n') {
      if (long_enough(text.substr(0, position), min_chars)) return position;
      ++position;
      continue;
    }
    std::size_t mark_length = sentence_mark_length(text, position);
    const bool sentence_marks = mark_length > 0;
    if (!sentence_marks && clauses_allowed) mark_length = clause_mark_length(text, position);
    if (mark_length == 0) {
      ++position;
      continue;
    }
    const Candidate candidate = examine_marks(text, position, mark_length, sentence_marks);
    if (candidate.verdict == Verdict::undecided) return std::nullopt;
    const std::size_t minimum_chars = sentence_marks ? min_chars : first_piece_min_chars;
    if (candidate.verdict == Verdict::boundary &&
        long_enough(text.substr(0, candidate.piece_end), minimum_chars)) {
      return candidate.piece_end;
    }
    position = candidate.resume_at;
  }
  return std::nullopt;
}

}  // namespace

SentenceSplitter::SentenceSplitter(std::size_t first_piece_min_chars, std::size_t min_chars)
    : first_piece_min_chars_(first_piece_min_chars), min_chars_(min_chars) {}

std::vector<std::string> SentenceSplitter::add(std::string_view delta) {
  pending_.append(delta);
  std::vector<std::string> pieces;
  while (const auto piece_end =
             find_piece_end(pending_, !first_piece_emitted_, first_piece_min_chars_, min_chars_)) {
    pieces.emplace_back(trim(std::string_view(pending_).substr(0, *piece_end)));
    pending_.erase(0, *piece_end);
    first_piece_emitted_ = true;
  }
  return pieces;
}

std::string SentenceSplitter::flush() {
  std::string rest(trim(pending_));
  // The response is over: the next one starts afresh and may again end its first piece
  // early at a clause.
  reset();
  return rest;
}

void SentenceSplitter::reset() {
  pending_.clear();
  first_piece_emitted_ = false;
}

}  // namespace callagent::pipeline
