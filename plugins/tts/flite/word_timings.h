// The host's word timings for one synthesised span of an utterance.
//
// The host joins the words the caller heard into the transcript, so each timing carries the
// text as it was written ("Hello,", "$42.50"), not Flite's spoken expansion ("hello",
// "forty two dollars fifty cents"): one timing per whitespace-separated word of the span.
//
// Threading: a pure function.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/tts.h"
#include "speech_synthesizer.h"

namespace callagent::plugins {

// `span_text` is the clean text that was synthesised; `span_offset_ms` is where the span's
// audio starts in its utterance, so times count from the utterance's start. Each written
// word takes its token's time; a word Flite did not voice (a lone dash) gets a zero-length
// time where the previous word ended, so the timings still spell out the whole text. Times
// never go backwards. When Flite tokenised the text differently from a whitespace split
// (never seen, but not promised), Flite's own token texts are used instead.
std::vector<TtsWordTiming> word_timings_for_span(std::string_view span_text,
                                                 const std::vector<SpokenToken>& tokens,
                                                 std::int64_t span_offset_ms);

}  // namespace callagent::plugins
