#include "tools/call-sim/script_runner.h"

#include <algorithm>

#include <fmt/format.h>

namespace callagent::callsim {
namespace {

double seconds(std::chrono::milliseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

}  // namespace

std::string ScriptRunner::describe_current_step() const {
  const auto& steps = script_.steps();
  if (step_index_ >= steps.size()) return "end of script";
  return fmt::format("step {} ({})", step_index_ + 1, describe_step(steps[step_index_]));
}

ScriptAction ScriptRunner::tick(const ScriptObservation& observation) {
  ScriptAction action;
  const auto& steps = script_.steps();
  while (!finished_) {
    if (step_index_ >= steps.size()) {
      // A script that just stops means the caller puts the phone down.
      if (!observation.host_closed) action.hang_up = true;
      action.finished = finished_ = true;
      break;
    }
    const CallStep& step = steps[step_index_];
    if (!step_entered_) {
      step_entered_ = true;
      step_started_at_ = observation.now;
      playback_count_at_step_start_ = observation.agent_playback_count;
      step_spoke_ = false;
    }
    const bool ends_on_close = std::holds_alternative<step::WaitForHostClose>(step) ||
                               std::holds_alternative<step::HangUp>(step);
    if (observation.host_closed && !ends_on_close) {
      action.failure = fmt::format("stream closed by host with {} during {}",
                                   observation.host_close_description, describe_current_step());
      action.finished = finished_ = true;
      break;
    }
    const Progress progress = run_step(step, observation, action);
    if (progress == Progress::waiting) break;
    if (progress == Progress::failed) {
      action.finished = finished_ = true;
      break;
    }
    ++step_index_;
    step_entered_ = false;
    if (ends_on_close) {
      action.finished = finished_ = true;
      break;
    }
    // One key press per tick, so digits reach the host as separate events 20 ms apart.
    if (!action.dtmf_digits.empty()) break;
  }
  return action;
}

ScriptRunner::Progress ScriptRunner::run_step(const CallStep& step, const ScriptObservation& observation,
                                              ScriptAction& action) {
  const auto elapsed = observation.now - step_started_at_;
  const auto timed_out = [&](std::chrono::milliseconds timeout) { return elapsed >= timeout; };

  if (const auto* play = std::get_if<step::Play>(&step)) {
    if (!step_spoke_) {
      step_spoke_ = true;
      action.speak = &play->utterance;
      return Progress::waiting;
    }
    return observation.caller_speaking ? Progress::waiting : Progress::done;
  }
  if (const auto* silence = std::get_if<step::Silence>(&step)) {
    return elapsed >= silence->duration ? Progress::done : Progress::waiting;
  }
  if (const auto* wait = std::get_if<step::WaitForAgentQuiet>(&step)) {
    if (!observation.agent_playing) {
      const auto quiet_since = std::max(step_started_at_, observation.agent_silent_since.value_or(step_started_at_));
      if (observation.now - quiet_since >= wait->quiet) return Progress::done;
    }
    if (timed_out(wait->timeout)) {
      action.failure = fmt::format("agent did not go quiet for {:.1f} s within {:.1f} s ({})",
                                   seconds(wait->quiet), seconds(wait->timeout), describe_current_step());
      return Progress::failed;
    }
    return Progress::waiting;
  }
  if (const auto* wait = std::get_if<step::WaitForAgentAudio>(&step)) {
    if (observation.agent_playing || observation.agent_playback_count > playback_count_at_step_start_) {
      return Progress::done;
    }
    if (timed_out(wait->timeout)) {
      action.failure = fmt::format("no agent audio within {:.1f} s ({})", seconds(wait->timeout),
                                   describe_current_step());
      return Progress::failed;
    }
    return Progress::waiting;
  }
  if (const auto* barge_in = std::get_if<step::BargeIn>(&step)) {
    if (step_spoke_) return observation.caller_speaking ? Progress::waiting : Progress::done;
    if (observation.agent_playing && observation.agent_playing_since &&
        observation.now - *observation.agent_playing_since >= barge_in->after_agent_speaking) {
      step_spoke_ = true;
      action.speak = &barge_in->utterance;
      return Progress::waiting;
    }
    if (timed_out(barge_in->timeout)) {
      action.failure = fmt::format("agent was not speaking within {:.1f} s, nothing to barge in on ({})",
                                   seconds(barge_in->timeout), describe_current_step());
      return Progress::failed;
    }
    return Progress::waiting;
  }
  if (const auto* dtmf = std::get_if<step::Dtmf>(&step)) {
    action.dtmf_digits.push_back(dtmf->digit);
    return Progress::done;
  }
  if (std::holds_alternative<step::HangUp>(step)) {
    if (!observation.host_closed) action.hang_up = true;
    return Progress::done;
  }
  if (const auto* wait = std::get_if<step::WaitForHostClose>(&step)) {
    if (observation.host_closed) return Progress::done;
    if (timed_out(wait->timeout)) {
      action.failure = fmt::format("host did not close the stream within {:.1f} s ({})",
                                   seconds(wait->timeout), describe_current_step());
      return Progress::failed;
    }
    return Progress::waiting;
  }
  return Progress::done;
}

}  // namespace callagent::callsim
