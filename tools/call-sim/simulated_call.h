// One simulated phone call against a running host, with Twilio's behaviour on the phone
// side (../shared/protocols.md §1–2):
//
//   1. POST the signed voice webhook; expect 200 TwiML with <Connect><Stream url>.
//   2. Open the WebSocket to the stream URL, the upgrade signed over that URL.
//   3. Send `connected`, then `start` (streamSid MZ…, the webhook's callSid, tracks
//      ["inbound"], the TwiML <Parameter>s as customParameters, μ-law 8000 Hz mono).
//   4. Every 20 ms send one 160-byte `media` frame: the script's caller audio, silence
//      (0xFF) whenever the caller is not talking; `sequenceNumber` counts every message,
//      `chunk` and `timestamp` count the frames.
//   5. Play the host's `media` to the "caller" in real time, return each `mark` when the
//      audio before it has played, drop audio and return pending marks on `clear`
//      (PlaybackModel).
//   6. Follow the CallScript; at its end send `stop` and close (1000), or wait for the
//      host to close.
//
// Every step is stamped on a timeline (steady clock, from the start of run()), from which
// the report computes the greeting and per-turn voice-to-voice latencies.
//
// Example (gtest, host started in-process on port 0):
//
//   CallSettings settings;
//   settings.host_url = fmt::format("http://127.0.0.1:{}", port);
//   settings.auth_token = "test-token";
//   CallScript script;
//   script.wait_for_agent_audio(5s).wait_for_agent_quiet(600ms, 20s)
//         .say("What are your opening hours?")
//         .wait_for_agent_audio(10s).wait_for_agent_quiet(600ms, 30s)
//         .hang_up();
//   CallReport report = SimulatedCall(settings, std::move(script)).run();
//   ASSERT_TRUE(report.ok) << report.error;
//   EXPECT_TRUE(report.latencies.turns.at(0).voice_to_voice.has_value());
//
// Threading: run() blocks its calling thread for the whole call; that thread sends a frame
// every 20 ms and runs the script, sleeping in between (a timed condition-variable wait
// that also wakes it when a returned mark falls due; no busy loop). One more thread, the
// WebSocket reader, handles the host's frames while the stream is open. With
// CallSettings::driver, the driver's thread does both jobs (for many calls at once) and
// run()'s thread only places the call, waits, and hangs up. Many
// SimulatedCalls may run concurrently, each on its own thread. request_hang_up() may be
// called from any thread.
// The listener is called from either internal thread, one call at a time (under the
// call's lock): keep it quick, and do not call back into the SimulatedCall from it.
//
// Lifetime: the object must outlive run(); run() may be called once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/call-sim/call_events.h"
#include "tools/call-sim/call_latency.h"
#include "tools/call-sim/call_driver.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/stream_client.h"

namespace callagent::callsim {

struct CallSettings {
  // Where the simulator connects: the host's own address.
  std::string host_url = "http://127.0.0.1:3000";
  std::string webhook_path = "/inbound_call";
  // The public URL the host believes it has (behind ngrok or a proxy). Twilio signs the
  // webhook over public_base_url + webhook_path; empty means host_url.
  std::string public_base_url;
  // Signs the webhook and the stream upgrade; empty sends both unsigned (secret).
  std::string auth_token;
  std::string account_sid;  // empty: a random AC…
  std::string from = "+15555550100";
  std::string to = "+15555550199";
  // Connect the stream through host_url's scheme/host/port with the TwiML URL's path: the
  // TwiML names the public wss:// address, which may not be reachable from here. The
  // upgrade is still signed over the URL as the TwiML wrote it.
  // false: connect to the TwiML URL exactly as written, as Twilio would.
  bool connect_stream_via_host = true;
  // false accepts self-signed certificates (--insecure).
  bool verify_tls_certificates = true;
  // Keep the agent's played audio in CallReport::agent_recording (8 KB per second).
  bool keep_recording = false;
  // The call fails if still running after this long.
  std::chrono::milliseconds max_duration{120000};
  // Hang up this long after run() started, wherever the script is; the call is not
  // failed by it. Empty: never.
  std::optional<std::chrono::milliseconds> hang_up_after;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds io_timeout{10000};
  // Run this call's frames and read its stream on a shared driver's thread instead of two
  // threads of its own (a load of many calls). Empty: its own threads.
  std::shared_ptr<CallDriver> driver;
};

using CallEventListener = std::function<void(const CallEvent& event)>;

struct CallReport {
  bool ok = false;
  // Why the call failed, e.g. "webhook answered 403: invalid signature", "TwiML has no
  // <Stream>; …", "stream upgrade refused: HTTP 404 Not Found (…)", "stream closed by host
  // with code 1011 (internal error) during step 3 (…)". Empty when ok.
  std::string error;

  int webhook_status = 0;        // 0 when the host could not be reached
  std::string webhook_body;      // the TwiML, or the host's error text
  std::string account_sid;
  std::string call_sid;          // CA…, as posted in the webhook and sent in `start`
  std::string stream_sid;        // MZ…
  std::string stream_url;        // exactly as in the TwiML
  std::vector<std::pair<std::string, std::string>> stream_parameters;  // the <Parameter>s
  // <Parameter name="conversation_id"> if present, else the stream URL's last path segment.
  std::string conversation_id;
  std::optional<StreamCloseInfo> stream_close;  // how the WebSocket ended, if it opened

  std::vector<CallEvent> events;  // the whole timeline, sorted by time
  CallLatencies latencies;

  std::uint64_t caller_frames_sent = 0;
  std::uint64_t agent_bytes_received = 0;
  std::uint64_t agent_bytes_played = 0;
  std::uint64_t marks_received = 0;
  std::uint64_t marks_returned = 0;
  std::uint64_t clears_received = 0;
  std::uint64_t frames_refused = 0;   // host frames that did not parse (see frame_refused events)
  // μ-law 8 kHz, what the caller heard (gaps between utterances left out); filled when
  // CallSettings::keep_recording.
  std::vector<std::uint8_t> agent_recording;
};

class SimulatedCall {
 public:
  // `listener` (optional) sees each event as it happens, e.g. to print it live.
  SimulatedCall(CallSettings settings, CallScript script, CallEventListener listener = {});
  ~SimulatedCall();
  SimulatedCall(const SimulatedCall&) = delete;
  SimulatedCall& operator=(const SimulatedCall&) = delete;

  // Places the call and runs the script to its end; blocks. Never throws for anything
  // the host does: every failure is in the report.
  CallReport run();

  // Asks a running call to hang up at its next 20 ms tick (Ctrl-C, a test's teardown).
  // The call still counts as ok if nothing else failed. Thread-safe; no-op once over.
  void request_hang_up() noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callagent::callsim
