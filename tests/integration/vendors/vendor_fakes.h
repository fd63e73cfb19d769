// The three fake vendors a production call talks to (Deepgram, OpenAI, ElevenLabs), started
// together on loopback, and the host config that points the real vendor plugins at them.
//
// Threading: construct, configure and destroy on the test thread; the fakes serve on their
// own threads. Lifetime: the fakes stop in the destructor, after the host that used them
// (declare the RunningHost after the VendorFakes).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tools/mock-vendors/deepgram/fake_deepgram.h"
#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"
#include "tools/mock-vendors/openai/fake_openai.h"

namespace callagent::testing {

struct VendorFakes {
  // Deepgram hears each stretch of caller sound as the next of `caller_lines`.
  explicit VendorFakes(const std::vector<std::string>& caller_lines);

  mock::FakeDeepgram deepgram;
  mock::FakeOpenAi openai;
  mock::FakeElevenLabs elevenlabs;

  // stt_deepgram, llm_openai and tts_elevenlabs pointed at the fakes, with their keys;
  // state_memory; events_jsonfile writing to `<directory>/transcripts`.
  nlohmann::json host_config(const TemporaryDirectory& directory) const;
};

}  // namespace callagent::testing
