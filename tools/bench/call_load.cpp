#include "tools/bench/call_load.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <thread>

#include "host/audio/mulaw.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::bench {
namespace {

using std::chrono::milliseconds;

// Agent silence that means its reply is over, before the caller's next normal turn.
constexpr milliseconds kQuiet{600};
// A barge-in starts this far into the agent's audible reply.
constexpr milliseconds kBargeInAfter{400};
// Generous: the load must not fail calls on a slow, shared machine; latency is measured,
// not asserted.
constexpr milliseconds kAnswerTimeout{20000};
constexpr milliseconds kQuietTimeout{30000};
// Closer than this to the deadline a slot dials no new call.
constexpr milliseconds kMinCallTime{3000};
// A slot whose call failed waits this long before it dials again: a host refusing calls
// (503, an apology TwiML) answers in a millisecond, and redialling at once turned one bad
// second into a storm of 100 000 failed calls that also ate the machine's CPU.
constexpr milliseconds kPauseAfterFailure{1000};

double to_ms(std::chrono::microseconds value) { return static_cast<double>(value.count()) / 1000.0; }

// A 300 Hz tone at a third of full scale: speech to the mock Deepgram's energy detector
// and to the host's VAD.
std::vector<std::uint8_t> caller_tone(milliseconds duration) {
  const auto samples = static_cast<std::size_t>(duration.count()) * 8;
  std::vector<std::uint8_t> audio(samples);
  for (std::size_t index = 0; index < samples; ++index) {
    const double value = 8000.0 * std::sin(2.0 * std::numbers::pi * 300.0 * static_cast<double>(index) / 8000.0);
    audio[index] = audio::linear_to_mulaw(static_cast<std::int16_t>(value));
  }
  return audio;
}

callsim::CallScript make_script(const BenchOptions& options) {
  const auto utterance =
      callsim::CallerUtterance::from_audio(caller_tone(milliseconds(options.caller_utterance_ms)), "tone");
  callsim::CallScript script;
  script.wait_for_agent_audio(kAnswerTimeout);  // the greeting
  for (int turn = 1; turn <= options.turns_per_call; ++turn) {
    const bool barge_in = options.barge_in_every > 0 && turn > 1 && turn % options.barge_in_every == 0;
    if (barge_in) {
      script.barge_in(utterance, kBargeInAfter, kAnswerTimeout);
    } else {
      script.wait_for_agent_quiet(kQuiet, kQuietTimeout).play(utterance);
    }
    script.wait_for_agent_audio(kAnswerTimeout);
  }
  script.wait_for_agent_quiet(kQuiet, kQuietTimeout).hang_up();
  return script;
}

}  // namespace

MinuteResults& LoadResults::minute_at(std::chrono::microseconds since_load_start) {
  const auto minute = static_cast<std::size_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::minutes>(since_load_start).count()));
  if (by_minute.size() <= minute) by_minute.resize(minute + 1);
  return by_minute[minute];
}

std::vector<std::string> caller_lines() {
  return {"I would like to book a table for four people, tomorrow evening at seven.",
          "Do you have anything near the window, or out on the terrace?",
          "Actually, wait, make that six people instead of four.",
          "Great, and can you send me a confirmation by text message?"};
}

CallLoad::CallLoad(BenchOptions options, std::string host_url, std::string auth_token)
    : options_(std::move(options)), host_url_(std::move(host_url)), auth_token_(std::move(auth_token)) {}

LoadResults CallLoad::run(std::chrono::steady_clock::time_point deadline) {
  using Clock = std::chrono::steady_clock;
  const double critical_path_ms =
      options_.endpointing_ms + options_.llm_first_token_ms + options_.tts_first_audio_ms;
  const callsim::CallScript script = make_script(options_);
  const Clock::time_point started_at = Clock::now();
  const auto ramp = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.ramp_seconds));

  std::mutex results_mutex;
  LoadResults results;
  // `dialled_after`: the call's start, since the load's; call-sim's times count from it.
  const auto fold = [&](const callsim::CallReport& report, Clock::duration dialled_after, double seconds) {
    const auto call_start = std::chrono::duration_cast<std::chrono::microseconds>(dialled_after);
    std::lock_guard lock(results_mutex);
    results.call_seconds += seconds;
    if (report.ok) {
      ++results.calls_ok;
    } else {
      ++results.calls_failed;
      if (results.first_failures.size() < kMaxFailuresKept) {
        results.first_failures.push_back({report.conversation_id, report.error});
      }
    }
    const callsim::CallLatencies& latencies = report.latencies;
    if (latencies.greeting) results.greeting_ms.push_back(to_ms(*latencies.greeting));
    for (const callsim::TurnLatency& turn : latencies.turns) {
      ++results.turns;
      if (turn.voice_to_voice) {
        ++results.turns_answered;
        results.voice_to_voice_ms.push_back(to_ms(*turn.voice_to_voice));
        results.added_latency_ms.push_back(to_ms(*turn.voice_to_voice) - critical_path_ms);
        results.minute_at(call_start + turn.caller_speech_ended_at)
            .added_latency_ms.push_back(to_ms(*turn.voice_to_voice) - critical_path_ms);
      }
      if (turn.started_during_agent_audio) {
        ++results.barge_ins;
        if (turn.barge_in_clear) {
          results.barge_in_clear_ms.push_back(to_ms(*turn.barge_in_clear));
        } else {
          ++results.barge_ins_without_clear;
        }
      }
    }
    for (const callsim::PlaybackGap& gap : latencies.underruns) {
      results.underrun_ms.push_back(to_ms(gap.duration));
      ++results.minute_at(call_start + gap.at).underruns;
    }
    if (!latencies.underruns.empty()) ++results.calls_with_underruns;
    results.agent_audio_played_seconds += static_cast<double>(report.agent_bytes_played) / 8000.0;
  };

  std::vector<std::shared_ptr<callsim::CallDriver>> drivers;
  for (int index = 0; index < options_.caller_threads; ++index) {
    drivers.push_back(std::make_shared<callsim::CallDriver>(
        "callers-" + std::to_string(index), std::chrono::microseconds(options_.caller_timer_slack_us)));
  }
  std::vector<std::thread> slots;
  slots.reserve(static_cast<std::size_t>(options_.calls));
  for (int slot = 0; slot < options_.calls; ++slot) {
    const auto offset = options_.calls > 1 ? ramp * slot / options_.calls : Clock::duration::zero();
    slots.emplace_back([&, offset, slot] {
      std::this_thread::sleep_until(started_at + offset);
      while (deadline - Clock::now() > kMinCallTime) {
        callsim::CallSettings settings;
        settings.host_url = host_url_;
        settings.auth_token = auth_token_;
        settings.keep_recording = false;
        if (!drivers.empty()) settings.driver = drivers[static_cast<std::size_t>(slot) % drivers.size()];
        settings.connect_timeout = milliseconds(10000);
        settings.io_timeout = milliseconds(20000);
        const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        settings.hang_up_after = remaining;
        settings.max_duration = remaining + milliseconds(60000);
        const Clock::time_point dialled_at = Clock::now();
        ++active_calls_;
        callsim::SimulatedCall call(std::move(settings), script);
        const callsim::CallReport report = call.run();
        --active_calls_;
        fold(report, dialled_at - started_at, std::chrono::duration<double>(Clock::now() - dialled_at).count());
        if (!report.ok) std::this_thread::sleep_until(std::min(Clock::now() + kPauseAfterFailure, deadline));
      }
    });
  }
  for (std::thread& slot : slots) slot.join();
  return results;
}

}  // namespace callagent::bench
