// transcripts-export DIRECTORY [--output FILE] [--since YYYY-MM-DD] [--until YYYY-MM-DD]
//
// Writes the transcript store as the seed's single-file form: one JSON array of the records,
// sorted by timestamp then conversation_id, to FILE (replaced atomically) or stdout.
// Exit codes: 0 all records exported; 1 some files were skipped (each named on stderr) or
// the output could not be written; 2 usage error.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "transcript_folder_reader.h"

namespace {

namespace fs = std::filesystem;
using callagent::tools::DateRange;

constexpr std::string_view kUsage =
    "usage: transcripts-export DIRECTORY [--output FILE] [--since YYYY-MM-DD] [--until YYYY-MM-DD]";

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Arguments {
  fs::path directory;
  std::optional<fs::path> output;
  DateRange range;
};

int usage_error(std::string_view problem) {
  std::cerr << "transcripts-export: " << problem << "\n" << kUsage << "\n";
  return kExitUsage;
}

// Returns the arguments, or the exit code to stop with.
std::variant<Arguments, int> parse_arguments(int argc, char** argv) {
  Arguments arguments;
  bool have_directory = false;
  for (int index = 1; index < argc; ++index) {
    std::string argument = argv[index];
    if (argument == "-h" || argument == "--help") {
      std::cout << kUsage << "\n\n"
                << "Reads DIRECTORY/<YYYY-MM-DD>/*.json (the events_jsonfile transcript store) and\n"
                << "writes one JSON array of the records, oldest first (records without a readable\n"
                << "\"timestamp\" last), to FILE or stdout. --since/--until pick date folders, inclusive.\n"
                << "Exit 1 when a file could not be read or parsed (each is named on stderr).\n";
      return kExitOk;
    }
    std::optional<std::string> inline_value;
    if (argument.rfind("--", 0) == 0) {
      if (const auto equals = argument.find('='); equals != std::string::npos) {
        inline_value = argument.substr(equals + 1);
        argument.resize(equals);
      }
    }
    if (argument == "--output" || argument == "--since" || argument == "--until") {
      std::string value;
      if (inline_value) {
        value = *inline_value;
      } else if (index + 1 < argc) {
        value = argv[++index];
      } else {
        return usage_error(argument + " needs a value");
      }
      if (argument == "--output") {
        if (value.empty()) return usage_error("--output needs a file name");
        arguments.output = value;
      } else {
        if (!callagent::tools::is_iso_date(value)) {
          return usage_error(argument + ": expected a date YYYY-MM-DD, got \"" + value + "\"");
        }
        (argument == "--since" ? arguments.range.since : arguments.range.until) = value;
      }
    } else if (argument.size() > 1 && argument.front() == '-') {
      return usage_error("unknown option " + argument);
    } else if (!have_directory) {
      arguments.directory = argument;
      have_directory = true;
    } else {
      return usage_error("unexpected argument \"" + argument + "\"");
    }
  }
  if (!have_directory) return usage_error("DIRECTORY is required");
  if (arguments.range.since && arguments.range.until && *arguments.range.since > *arguments.range.until) {
    return usage_error("--since is after --until");
  }
  return arguments;
}

std::string reason(int error_number) { return std::generic_category().message(error_number); }

// Replaces `target` atomically (temp file beside it, fsync, rename, fsync the folder), so a
// reader of the export never sees half of it. Returns an error message, empty on success.
std::string write_file_atomically(const fs::path& target, const std::string& content) {
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const fs::path temp = folder / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()));
  const int descriptor = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) return "cannot create " + temp.string() + ": " + reason(errno);
  std::string_view remaining = content;
  while (!remaining.empty()) {
    const ssize_t written = ::write(descriptor, remaining.data(), remaining.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      const std::string message = "cannot write " + temp.string() + ": " + reason(errno);
      ::close(descriptor);
      ::unlink(temp.c_str());
      return message;
    }
    remaining.remove_prefix(static_cast<std::size_t>(written));
  }
  if (::fsync(descriptor) != 0 || ::close(descriptor) != 0) {
    const std::string message = "cannot write " + temp.string() + ": " + reason(errno);
    ::unlink(temp.c_str());
    return message;
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string message = "cannot rename " + temp.string() + " to " + target.string() + ": " + reason(errno);
    ::unlink(temp.c_str());
    return message;
  }
  if (const int folder_descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      folder_descriptor >= 0) {
    ::fsync(folder_descriptor);
    ::close(folder_descriptor);
  }
  return {};
}

int run(const Arguments& arguments) {
  std::error_code error;
  if (!fs::is_directory(arguments.directory, error)) {
    std::cerr << "transcripts-export: " << arguments.directory.string() << " is not a folder"
              << (error ? ": " + error.message() : std::string()) << "\n";
    return kExitFailure;
  }
  callagent::tools::TranscriptFolderContents contents;
  try {
    contents = callagent::tools::read_transcript_folder(arguments.directory, arguments.range);
  } catch (const fs::filesystem_error& failure) {
    std::cerr << "transcripts-export: " << failure.what() << "\n";
    return kExitFailure;
  }
  for (const auto& skipped : contents.skipped) {
    std::cerr << "transcripts-export: skipped " << skipped << "\n";
  }

  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (auto& record : contents.records) array.push_back(std::move(record));
  const std::string text = array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";

  if (arguments.output) {
    if (const std::string problem = write_file_atomically(*arguments.output, text); !problem.empty()) {
      std::cerr << "transcripts-export: " << problem << "\n";
      return kExitFailure;
    }
  } else {
    std::cout << text << std::flush;
    if (!std::cout) {
      std::cerr << "transcripts-export: cannot write to stdout\n";
      return kExitFailure;
    }
  }
  return contents.skipped.empty() ? kExitOk : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_arguments(argc, argv);
  if (const int* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  return run(std::get<Arguments>(parsed));
}
