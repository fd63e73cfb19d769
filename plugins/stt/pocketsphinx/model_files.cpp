#include "model_files.h"

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace callagent::plugins::pocketsphinx {
namespace {

namespace fs = std::filesystem;

// The files every continuous or semi-continuous Sphinx acoustic model has; the mixture
// weights come as either sendump or mixture_weights.
constexpr std::array<std::string_view, 4> kAcousticModelFiles = {"mdef", "means", "variances",
                                                                 "transition_matrices"};

Status file_error(std::string_view key, const std::string& path, std::string_view problem) {
  return Status(ErrorCode::invalid_config,
                std::string(key) + ": " + path + " " + std::string(problem));
}

Status check_regular_file(std::string_view key, const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) return file_error(key, path, "does not exist");
  if (!fs::is_regular_file(status)) return file_error(key, path, "is not a regular file");
  return Status::ok();
}

Status check_acoustic_model(const std::string& model_dir) {
  constexpr std::string_view key = "model_dir";
  std::error_code error;
  const fs::file_status status = fs::status(model_dir, error);
  if (!fs::exists(status)) return file_error(key, model_dir, "does not exist");
  if (!fs::is_directory(status)) return file_error(key, model_dir, "is not a directory");
  const fs::path folder(model_dir);
  for (const std::string_view name : kAcousticModelFiles) {
    if (!fs::is_regular_file(folder / name, error)) {
      return file_error(key, model_dir,
                        "has no " + std::string(name) + ": not a PocketSphinx acoustic model folder");
    }
  }
  if (!fs::is_regular_file(folder / "sendump", error) &&
      !fs::is_regular_file(folder / "mixture_weights", error)) {
    return file_error(key, model_dir,
                      "has neither sendump nor mixture_weights: not a PocketSphinx acoustic model folder");
  }
  return Status::ok();
}

Status check_log_folder(const std::string& log_file) {
  const fs::path parent = fs::path(log_file).parent_path();
  if (parent.empty()) return Status::ok();  // the working directory
  std::error_code error;
  if (!fs::is_directory(parent, error)) {
    return file_error("log_file", log_file, "is in a folder that does not exist");
  }
  return Status::ok();
}

}  // namespace

Status check_model_files(const PocketsphinxConfig& config) {
  if (Status status = check_acoustic_model(config.model_dir); !status) return status;
  if (Status status = check_regular_file("dictionary", config.dictionary); !status) return status;
  if (config.grammar.empty()) {
    if (Status status = check_regular_file("language_model", config.language_model); !status) {
      return status;
    }
  } else if (Status status = check_regular_file("grammar", config.grammar); !status) {
    return status;
  }
  return check_log_folder(config.log_file);
}

}  // namespace callagent::plugins::pocketsphinx
