#include "tools/call-sim/call_script.h"

#include <fmt/format.h>

#include <string_view>

#include "tools/call-sim/audio_source.h"

namespace callagent::callsim {
namespace {

template <typename... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

bool is_dtmf_digit(char digit) {
  return (digit >= '0' && digit <= '9') || digit == '*' || digit == '#';
}

Status render(CallerUtterance& utterance) {
  if (!utterance.needs_rendering()) return Status::ok();
  auto audio = synthesize_caller_audio(utterance.text);
  if (!audio) {
    return Status(audio.status().code(),
                  fmt::format("cannot synthesise \"{}\": {}", utterance.text, audio.status().message()));
  }
  utterance.mulaw_audio = std::move(audio).value();
  return Status::ok();
}

}  // namespace

CallerUtterance CallerUtterance::from_audio(std::vector<std::uint8_t> mulaw_audio, std::string label) {
  CallerUtterance utterance;
  utterance.mulaw_audio = std::move(mulaw_audio);
  utterance.label = std::move(label);
  return utterance;
}

CallerUtterance CallerUtterance::from_text(std::string text) {
  CallerUtterance utterance;
  utterance.label = text;
  utterance.text = std::move(text);
  return utterance;
}

std::string describe_step(const CallStep& step) {
  return std::visit(
      Overloaded{
          [](const step::Play& play) { return fmt::format("play \"{}\"", play.utterance.label); },
          [](const step::Silence& silence) {
            return fmt::format("silence({} ms)", silence.duration.count());
          },
          [](const step::WaitForAgentQuiet& wait) {
            return fmt::format("wait_for_agent_quiet({} ms, timeout {} ms)", wait.quiet.count(),
                               wait.timeout.count());
          },
          [](const step::WaitForAgentAudio& wait) {
            return fmt::format("wait_for_agent_audio(timeout {} ms)", wait.timeout.count());
          },
          [](const step::BargeIn& barge_in) {
            return fmt::format("barge_in \"{}\" after {} ms of agent speech", barge_in.utterance.label,
                               barge_in.after_agent_speaking.count());
          },
          [](const step::Dtmf& dtmf) { return fmt::format("dtmf '{}'", dtmf.digit); },
          [](const step::HangUp&) { return std::string("hang_up"); },
          [](const step::WaitForHostClose& wait) {
            return fmt::format("wait_for_host_close(timeout {} ms)", wait.timeout.count());
          },
      },
      step);
}

CallScript& CallScript::play(CallerUtterance utterance) {
  steps_.emplace_back(step::Play{std::move(utterance)});
  return *this;
}

CallScript& CallScript::play(std::vector<std::uint8_t> mulaw_audio, std::string label) {
  return play(CallerUtterance::from_audio(std::move(mulaw_audio), std::move(label)));
}

CallScript& CallScript::say(std::string text) {
  return play(CallerUtterance::from_text(std::move(text)));
}

CallScript& CallScript::silence(milliseconds duration) {
  steps_.emplace_back(step::Silence{duration});
  return *this;
}

CallScript& CallScript::wait_for_agent_quiet(milliseconds quiet, milliseconds timeout) {
  steps_.emplace_back(step::WaitForAgentQuiet{quiet, timeout});
  return *this;
}

CallScript& CallScript::wait_for_agent_audio(milliseconds timeout) {
  steps_.emplace_back(step::WaitForAgentAudio{timeout});
  return *this;
}

CallScript& CallScript::barge_in(CallerUtterance utterance, milliseconds after_agent_speaking,
                                 milliseconds timeout) {
  steps_.emplace_back(step::BargeIn{std::move(utterance), after_agent_speaking, timeout});
  return *this;
}

CallScript& CallScript::dtmf(std::string_view digits) {
  for (const char digit : digits) {
    if (is_dtmf_digit(digit)) steps_.emplace_back(step::Dtmf{digit});
  }
  return *this;
}

CallScript& CallScript::hang_up() {
  steps_.emplace_back(step::HangUp{});
  return *this;
}

CallScript& CallScript::wait_for_host_close(milliseconds timeout) {
  steps_.emplace_back(step::WaitForHostClose{timeout});
  return *this;
}

Status CallScript::render_speech() {
  for (CallStep& step : steps_) {
    Status rendered;
    if (auto* play = std::get_if<step::Play>(&step)) rendered = render(play->utterance);
    if (auto* barge_in = std::get_if<step::BargeIn>(&step)) rendered = render(barge_in->utterance);
    if (!rendered) return rendered;
  }
  return Status::ok();
}

}  // namespace callagent::callsim
