// What the simulated caller does during a call, step by step: talk (recorded audio or
// Flite speech), stay silent, wait for the agent to speak or to finish, barge in, press
// keys, hang up, or wait for the host to end the call. SimulatedCall runs it with
// ScriptRunner; silence frames keep flowing between and during every step, as on a real
// line.
//
// Threading: a plain value; build it on one thread, then hand it to a SimulatedCall
// (which takes it by value). Copies are cheap enough for --calls N (the audio is copied).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::callsim {

// One thing the caller says: μ-law 8 kHz audio, or text rendered with Flite before the
// call dials (render_speech()).
struct CallerUtterance {
  std::vector<std::uint8_t> mulaw_audio;  // empty until rendered when made from text
  std::string text;                       // the words, when made from text
  std::string label;                      // for the timeline: a file name or the text

  static CallerUtterance from_audio(std::vector<std::uint8_t> mulaw_audio, std::string label);
  static CallerUtterance from_text(std::string text);
  bool needs_rendering() const noexcept { return mulaw_audio.empty() && !text.empty(); }
};

namespace step {

// Say the utterance; the step ends when its last frame has been sent.
struct Play {
  CallerUtterance utterance;
};
// Send only silence for `duration`.
struct Silence {
  std::chrono::milliseconds duration;
};
// Wait until no agent audio is playing and none has played for `quiet` (measured from
// the step's start at the earliest, so it also waits `quiet` when the agent never spoke).
// Fails after `timeout`.
struct WaitForAgentQuiet {
  std::chrono::milliseconds quiet;
  std::chrono::milliseconds timeout;
};
// Wait until agent audio is playing (already playing counts) or has played since the
// step began. Fails after `timeout`.
struct WaitForAgentAudio {
  std::chrono::milliseconds timeout;
};
// Wait until the agent has been audibly speaking (its audio playing) for
// `after_agent_speaking`, then say the utterance over it. Fails if the agent does not
// speak within `timeout`. The step ends when the utterance's last frame has been sent.
struct BargeIn {
  CallerUtterance utterance;
  std::chrono::milliseconds after_agent_speaking;
  std::chrono::milliseconds timeout;
};
// Press one key: 0-9, *, #.
struct Dtmf {
  char digit;
};
// Send `stop` and close the stream (1000). Ends the script.
struct HangUp {};
// Wait for the host to close the stream (the agent said goodbye). Fails after `timeout`.
// Ends the script.
struct WaitForHostClose {
  std::chrono::milliseconds timeout;
};

}  // namespace step

using CallStep = std::variant<step::Play, step::Silence, step::WaitForAgentQuiet,
                              step::WaitForAgentAudio, step::BargeIn, step::Dtmf, step::HangUp,
                              step::WaitForHostClose>;

// e.g. `play "hello.wav"`, `wait_for_agent_quiet(800 ms, timeout 30000 ms)`.
std::string describe_step(const CallStep& step);

class CallScript {
 public:
  using milliseconds = std::chrono::milliseconds;

  CallScript& play(CallerUtterance utterance);
  CallScript& play(std::vector<std::uint8_t> mulaw_audio, std::string label = "audio");
  CallScript& say(std::string text);
  CallScript& silence(milliseconds duration);
  CallScript& wait_for_agent_quiet(milliseconds quiet, milliseconds timeout);
  CallScript& wait_for_agent_audio(milliseconds timeout);
  CallScript& barge_in(CallerUtterance utterance, milliseconds after_agent_speaking = milliseconds(300),
                       milliseconds timeout = milliseconds(30000));
  // One Dtmf step per digit; characters other than 0-9 * # are skipped.
  CallScript& dtmf(std::string_view digits);
  CallScript& hang_up();
  CallScript& wait_for_host_close(milliseconds timeout);

  const std::vector<CallStep>& steps() const noexcept { return steps_; }
  bool empty() const noexcept { return steps_.empty(); }

  // Renders every text utterance with Flite (blocking; serialised across threads).
  // SimulatedCall::run() does it too, but rendering once and copying the script is far
  // cheaper for many calls. Errors name the text.
  Status render_speech();

 private:
  std::vector<CallStep> steps_;
};

}  // namespace callagent::callsim
