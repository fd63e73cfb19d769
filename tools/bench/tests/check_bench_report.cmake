# Runs the bench small (10 calls, 10 s) and checks its JSON report: every call ok, and
# every field BENCHMARKS.md relies on present. No timing is asserted.
#   cmake -DBENCH=<bench binary> -DREPORT=<json path> -P check_bench_report.cmake
file(REMOVE "${REPORT}")
execute_process(
  COMMAND "${BENCH}" --calls 10 --duration-seconds 10 --barge-in-every 2 --json "${REPORT}" --label bench_smoke
  RESULT_VARIABLE bench_exit
  OUTPUT_VARIABLE bench_output
  ERROR_VARIABLE bench_errors
  TIMEOUT 150)
message("${bench_output}")
if(NOT bench_exit EQUAL 0)
  message(FATAL_ERROR "bench exited with ${bench_exit}\n${bench_errors}")
endif()
if(NOT EXISTS "${REPORT}")
  message(FATAL_ERROR "bench wrote no report at ${REPORT}")
endif()
file(READ "${REPORT}" report)

string(JSON failed GET "${report}" calls failed)
string(JSON ok GET "${report}" calls ok)
if(NOT failed EQUAL 0 OR ok LESS 10)
  message(FATAL_ERROR "expected at least 10 calls ok and none failed, got ${ok} ok and ${failed} failed")
endif()

# Each entry: the keys of a field that must exist, dot-separated.
set(required_fields
  config.calls config.critical_path_ms config.stt_batch_ms machine.cpus machine.cpu_model
  machine.loopback_round_trip_us_p50 machine.compute_loop_ms vendor_messages.deepgram_audio_per_call_second
  calls.first_failures
  turns.answered turns.barge_ins
  voice_to_voice_ms.p50 voice_to_voice_ms.p95 voice_to_voice_ms.p99
  added_latency_ms.p50 added_latency_ms.p95 added_latency_ms.p99
  greeting_ms.p50 barge_in_clear_ms.p50 underruns.count underruns.per_agent_minute
  host_cpu.ms_per_call_second host_cpu.by_thread_s bench_cpu.ms_per_call_second
  host_rss_kb.idle host_rss_kb.peak host_rss_kb.loaded host_rss_kb.after_calls host_rss_kb.per_call
  host_turn_stages_ms.stages rss_samples by_minute.0.added_latency_ms.p50 by_minute.0.underruns
  by_minute.0.machine_stalls.worst_late_ms machine.stalls.late_over_50ms)
foreach(field IN LISTS required_fields)
  string(REPLACE "." ";" keys "${field}")
  string(JSON value ERROR_VARIABLE missing GET "${report}" ${keys})
  if(missing)
    message(FATAL_ERROR "report has no ${field}: ${missing}")
  endif()
endforeach()

string(JSON answered GET "${report}" turns answered)
string(JSON samples LENGTH "${report}" rss_samples)
if(answered LESS 1 OR samples LESS 1)
  message(FATAL_ERROR "expected answered turns and RSS samples, got ${answered} and ${samples}")
endif()
message(STATUS "bench report ok: ${ok} calls, ${answered} answered turns, ${samples} RSS samples")
