// call-sim: the Twilio simulator's command line. Dials one or more simulated calls into a
// running host, prints each call's events live, then the results (and the transcript with
// --api-token). Exit status: 0 when every call succeeded, 1 when any failed, 2 for a bad
// command line or unreadable audio.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tools/call-sim/audio_source.h"
#include "tools/call-sim/command_line.h"
#include "tools/call-sim/load_summary.h"
#include "tools/call-sim/simulated_call.h"
#include "tools/call-sim/transcript_client.h"

namespace {

using namespace callagent::callsim;

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_interrupt(int /*signal*/) {
  interrupted = 1;
}

// agent.wav → agent-3.wav for the third of several calls.
std::filesystem::path recording_path_for(const std::string& path, int call_index, int calls) {
  std::filesystem::path recording(path);
  if (calls <= 1) return recording;
  recording.replace_filename(fmt::format("{}-{}{}", recording.stem().string(), call_index,
                                         recording.extension().string()));
  return recording;
}

class Printer {
 public:
  Printer(bool json, bool verbose, int calls) : json_(json), verbose_(verbose), calls_(calls) {}

  void event(const CallEvent& event, int call_index) {
    if (event.kind == CallEventKind::agent_media && !verbose_) return;
    line(json_ ? format_event_json(event, calls_ > 1 ? call_index : 0)
               : prefix(call_index) + format_event_text(event));
  }

  void line(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }

  std::string prefix(int call_index) const {
    return calls_ > 1 ? fmt::format("[call {}] ", call_index) : std::string();
  }

 private:
  const bool json_;
  const bool verbose_;
  const int calls_;
  std::mutex mutex_;
};

}  // namespace

int main(int argc, char** argv) {
  const ParsedCommandLine parsed = parse_command_line(argc, argv);
  if (!parsed.options) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << '\n';
    return parsed.exit_code;
  }
  const CommandLineOptions& options = *parsed.options;

  auto script = build_call_script(options);
  if (!script) {
    std::cerr << "call-sim: " << script.status().message() << '\n';
    return 2;
  }
  const CallSettings settings = make_call_settings(options);
  Printer printer(options.json, options.verbose, options.calls);

  std::vector<std::unique_ptr<SimulatedCall>> calls;
  for (int index = 1; index <= options.calls; ++index) {
    calls.push_back(std::make_unique<SimulatedCall>(
        settings, script.value(), [&printer, index](const CallEvent& event) { printer.event(event, index); }));
  }

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::atomic<bool> all_done{false};
  std::thread interrupt_watcher([&] {
    // A signal handler may only set a flag; this thread turns it into hang-ups.
    while (!all_done.load()) {
      if (interrupted != 0) {
        for (auto& call : calls) call->request_hang_up();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  std::vector<CallReport> reports(calls.size());
  std::vector<std::thread> threads;
  for (std::size_t index = 0; index < calls.size(); ++index) {
    threads.emplace_back([&, index] {
      // Spread the calls' 20 ms frame ticks across the interval instead of all at once.
      std::this_thread::sleep_for(std::chrono::microseconds(20'000 * static_cast<long>(index) /
                                                            static_cast<long>(calls.size())));
      reports[index] = calls[index]->run();
    });
  }
  for (auto& thread : threads) thread.join();
  all_done = true;
  interrupt_watcher.join();

  bool all_ok = true;
  callagent::callsim::ConnectionSettings connection;
  connection.verify_tls_certificates = !options.insecure;
  for (std::size_t position = 0; position < reports.size(); ++position) {
    CallReport& report = reports[position];
    const int call_index = static_cast<int>(position) + 1;
    if (!options.record_path.empty() && report.webhook_status != 0) {
      const auto path = recording_path_for(options.record_path, call_index, options.calls);
      if (auto written = write_agent_recording(path, report.agent_recording); !written) {
        printer.line(printer.prefix(call_index) + "recording not written: " + written.message());
      } else if (!options.json) {
        printer.line(fmt::format("{}agent audio written to {} ({:.1f} s)", printer.prefix(call_index),
                                 path.string(), static_cast<double>(report.agent_recording.size()) / 8000.0));
      }
    }
    if (!options.api_token.empty() && !report.conversation_id.empty()) {
      auto transcript = fetch_final_call_transcript(options.host_url, report.conversation_id, options.api_token,
                                                    connection, std::chrono::seconds(5));
      if (!transcript) {
        printer.line(printer.prefix(call_index) + "transcript unavailable: " + transcript.status().message());
      } else if (options.json) {
        printer.line(nlohmann::json{{"call", call_index}, {"transcript", transcript.value().record}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace));
      } else {
        printer.line(fmt::format("{}transcript ({}):\n{}", printer.prefix(call_index), report.conversation_id,
                                 format_transcript(transcript.value())));
      }
    }
    printer.line(options.json ? format_call_result_json(report, options.calls > 1 ? call_index : 0)
                              : printer.prefix(call_index) + format_call_result_text(report));
    all_ok = all_ok && report.ok;
  }
  if (options.calls > 1) {
    printer.line(options.json ? format_load_summary_json(reports) : format_load_summary_text(reports));
  }
  return all_ok ? 0 : 1;
}
